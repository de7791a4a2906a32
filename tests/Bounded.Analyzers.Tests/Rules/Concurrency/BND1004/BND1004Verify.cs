using System.Threading.Tasks;
using Bounded.Analyzers;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Bounded.Analyzers.Tests.Rules.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>Helpers shared by the BND1004 Reports and DoesNotReport tests.</summary>
internal static class BND1004Verify
{
    /// <summary>Analyzes with <c>bounded.report_exception_paths = true</c>, so a release skipped only by an exception is reported too.</summary>
    internal static Task Check(string members, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<SemaphoreMisuseAnalyzer>(MemorySources.Wrap(members), MemorySources.ExceptionPaths, expected);
}
