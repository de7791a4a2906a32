using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>Helpers shared by the BND2001 Reports and DoesNotReport tests.</summary>
internal static class BND2001Verify
{
    internal static DiagnosticResult Diagnostic(string site, string advice, int marker = 0) =>
        new DiagnosticResult(RuleIds.DetachedTaskWithoutToken, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(site, advice);

    internal static Task Reports(string code, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(LifetimeSources.Wrap(code), expected);

    /// <summary>Opts in to reporting short one-shot work whose design has no token (off by default).</summary>
    internal const string TokenlessOn = "bounded.bnd2001.report_tokenless_work = true";

    internal static Task ReportsTokenless(string code, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(LifetimeSources.Wrap(code), TokenlessOn, expected);

    internal static Task Clean(string code, string? editorConfig = null) => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(LifetimeSources.Wrap(code), editorConfig);

    internal const string TestProjectSource = """
        public class Tests
        {
            private readonly IEmailSender _email = null!;

            public void Fires() => _ = _email.{|#0:SendAsync|}("a", "b");
        }
        """;

    internal static Task InTestProject(string globalConfig, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<DetachedTaskAnalyzer> { TestCode = LifetimeSources.Wrap(TestProjectSource) };
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbuild_property.IsTestProject = true\n" + globalConfig));
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + editorConfig));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
