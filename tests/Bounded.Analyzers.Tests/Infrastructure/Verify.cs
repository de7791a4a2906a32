using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Bounded.Analyzers.Tests;

/// <summary>Analyzer tests compiled against the real net10.0 reference assemblies.</summary>
public sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AnalyzerTest()
    {
        ReferenceAssemblies = TestEnvironment.ReferenceAssemblies;
        TestState.AdditionalReferences.AddRange(TestEnvironment.NetReferences);
        TestState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
    }

    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.CSharp12;

    protected override ParseOptions CreateParseOptions() => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);
}

/// <summary>Code-fix tests: the fix's exact output, and FixAll in document, project and solution scope.</summary>
public sealed class FixTest<TAnalyzer, TFix> : CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TFix : CodeFixProvider, new()
{
    public FixTest()
    {
        ReferenceAssemblies = TestEnvironment.ReferenceAssemblies;
        TestState.AdditionalReferences.AddRange(TestEnvironment.NetReferences);
        FixedState.AdditionalReferences.AddRange(TestEnvironment.NetReferences);
        BatchFixedState.AdditionalReferences.AddRange(TestEnvironment.NetReferences);
        TestState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
        FixedState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
        BatchFixedState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
    }

    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.CSharp12;

    protected override ParseOptions CreateParseOptions() => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion);
}

/// <summary>Runs several analyzers at once, so negative tests prove that no rule of a family fires.</summary>
public sealed class AnalyzerSetTest : CSharpAnalyzerTest<Bounded.Analyzers.Concurrency.UnboundedTaskSpawnAnalyzer, DefaultVerifier>
{
    private readonly DiagnosticAnalyzer[] _analyzers;

    public AnalyzerSetTest(params DiagnosticAnalyzer[] analyzers)
    {
        _analyzers = analyzers;
        ReferenceAssemblies = TestEnvironment.ReferenceAssemblies;
        TestState.AdditionalReferences.AddRange(TestEnvironment.NetReferences);
        TestState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => _analyzers;

    protected override ParseOptions CreateParseOptions() => ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.CSharp12);
}

public static class Verify
{
    /// <summary>Runs every analyzer of <paramref name="analyzers"/> and expects exactly <paramref name="expected"/>.</summary>
    public static Task AnalyzersAsync(DiagnosticAnalyzer[] analyzers, string source, string? editorConfig, params DiagnosticResult[] expected) =>
        AnalyzersAsync(analyzers, source, editorConfig, ignoreCompilerDiagnostics: false, expected);

    /// <param name="ignoreCompilerDiagnostics">For half-typed code: compiler errors are expected and not listed.</param>
    public static Task AnalyzersAsync(DiagnosticAnalyzer[] analyzers, string source, string? editorConfig, bool ignoreCompilerDiagnostics, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerSetTest(analyzers) { TestCode = source };
        if (ignoreCompilerDiagnostics)
        {
            test.CompilerDiagnostics = CompilerDiagnostics.None;
        }

        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + editorConfig));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    public static Task AnalyzerAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new() => AnalyzerAsync<TAnalyzer>(source, editorConfig: null, expected);

    public static Task AnalyzerAsync<TAnalyzer>(string source, string? editorConfig, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = source };
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + editorConfig));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>Applies the fix with <paramref name="equivalenceKey"/> to every diagnostic, one by one and through FixAll.</summary>
    public static Task FixAsync<TAnalyzer, TFix>(string source, string fixedSource, string equivalenceKey, string? editorConfig = null, LanguageVersion languageVersion = LanguageVersion.CSharp12)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var test = new FixTest<TAnalyzer, TFix>
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
            LanguageVersion = languageVersion,
        };
        if (editorConfig is not null)
        {
            var config = ("/.editorconfig", "root = true\n[*.cs]\n" + editorConfig);
            test.TestState.AnalyzerConfigFiles.Add(config);
            test.FixedState.AnalyzerConfigFiles.Add(config);
            test.BatchFixedState.AnalyzerConfigFiles.Add(config);
        }

        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>The source has diagnostics, but the fixer offers nothing for them (or no action with <paramref name="equivalenceKey"/>).</summary>
    public static Task NoFixAsync<TAnalyzer, TFix>(string source, string? equivalenceKey = null, string? editorConfig = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var test = new FixTest<TAnalyzer, TFix>
        {
            TestCode = source,
            FixedCode = source,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + editorConfig));
            test.FixedState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + editorConfig));
        }

        return test.RunAsync(CancellationToken.None);
    }
}
