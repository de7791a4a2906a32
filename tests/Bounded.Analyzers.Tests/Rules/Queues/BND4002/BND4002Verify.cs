using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesSources;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>Helpers shared by the BND4002 Reports and DoesNotReport tests.</summary>
internal static class BND4002Verify
{
    internal static DiagnosticResult Diagnostic(int marker, string site, string consumer, string advice = "set an explicit limit") =>
        new DiagnosticResult(RuleIds.UnlimitedParallelism, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(site, consumer, advice);

    internal static Task Reports(string members, string site, string consumer) =>
        Verify.AnalyzerAsync<UnlimitedParallelismAnalyzer>(Wrap(members), Diagnostic(0, site, consumer));

    internal static Task Clean(string members) => Verify.AnalyzerAsync<UnlimitedParallelismAnalyzer>(Wrap(members));

    internal const string MinusOne = "MaxDegreeOfParallelism = -1";
    internal const string Unbounded = "MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded";
}
