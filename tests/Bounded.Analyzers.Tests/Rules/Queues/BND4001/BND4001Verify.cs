using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Queues.QueuesSources;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>Helpers shared by the BND4001 Reports and DoesNotReport tests.</summary>
internal static class BND4001Verify
{
    internal static DiagnosticResult Diagnostic(int marker, string api) =>
        new DiagnosticResult(RuleIds.UnboundedQueue, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(api);

    internal static Task Reports(string members, string api) => Verify.AnalyzerAsync<UnboundedQueueAnalyzer>(Wrap(members), Diagnostic(0, api));

    internal static Task Clean(string members) => Verify.AnalyzerAsync<UnboundedQueueAnalyzer>(Wrap(members));

    internal const string Channel = "Channel.CreateUnbounded";
}
