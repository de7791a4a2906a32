using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>Helpers shared by the BND2002 Reports and DoesNotReport tests.</summary>
internal static class BND2002Verify
{
    internal static DiagnosticResult Diagnostic(string keyword, string advice, int marker = 0) =>
        new DiagnosticResult(RuleIds.LoopIgnoresCancellation, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(keyword, advice);

    internal static Task Reports(string code, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<EndlessLoopAnalyzer>(LifetimeSources.Wrap(code), expected);

    internal static Task Clean(string code) => Verify.AnalyzerAsync<EndlessLoopAnalyzer>(LifetimeSources.Wrap(code));
}
