using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesSources;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>Helpers shared by the BND4003 Reports and DoesNotReport tests.</summary>
internal static class BND4003Verify
{
    internal static DiagnosticResult At(int marker) => new DiagnosticResult(RuleIds.UncompletedChannel, DiagnosticSeverity.Warning).WithLocation(marker).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    internal static Task Reports(string members, params DiagnosticResult[] expected) =>
        Verify.AnalyzerAsync<UncompletedChannelAnalyzer>(Wrap(members), expected.Length == 0 ? new[] { At(0) } : expected);

    internal static Task Clean(string members) => Verify.AnalyzerAsync<UncompletedChannelAnalyzer>(Wrap(members));

    internal const string Advice = "complete the writer in a finally of the code that writes it (TryComplete(exception) lets the reader see the failure)";
}
