using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>Helpers shared by the BND2003 Reports and DoesNotReport tests.</summary>
internal static class BND2003Verify
{
    internal static DiagnosticResult Linked(string local, int marker = 0) =>
        new DiagnosticResult(RuleIds.UndisposedTokenSource, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(local, "linked", "registration on the parent token");

    internal static DiagnosticResult Timeout(string local, int marker = 0) =>
        new DiagnosticResult(RuleIds.UndisposedTokenSource, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(local, "timeout", "timer");

    internal static Task Reports(string code, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<UndisposedTokenSourceAnalyzer>(LifetimeSources.Wrap(code), expected);

    internal static Task Clean(string code) => Verify.AnalyzerAsync<UndisposedTokenSourceAnalyzer>(LifetimeSources.Wrap(code));
}
