using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>Helpers shared by the BND3004 Reports and DoesNotReport tests.</summary>
internal static class BND3004Verify
{
    internal static Task Check(string members) => Verify.AnalyzerAsync<ArrayPoolMisuseAnalyzer>(MemorySources.Wrap(members), MemorySources.ExceptionPaths);
}
