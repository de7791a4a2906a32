using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Bounded.Analyzers.Tests;

/// <summary>
/// Applies the real fixer to a source, the way an IDE does: an <see cref="AdhocWorkspace"/> with the net10.0
/// references and an optional .editorconfig, the analyzer's diagnostics, the code action with the given
/// equivalence key, its changes applied; repeated until no diagnostic of the rule is left. Runtime tests run
/// the result, so they exercise whatever the fixer produces today.
/// </summary>
public static class AppliedFix
{
    private const int MaxRounds = 20;

    public static async Task<string> ApplyAsync<TAnalyzer, TFix>(string source, string ruleId, string equivalenceKey, string? editorConfig = null, IEnumerable<MetadataReference>? extraReferences = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        var analyzer = new TAnalyzer();
        var fixer = new TFix();
        Assert.Contains(ruleId, fixer.FixableDiagnosticIds);
        using var workspace = new AdhocWorkspace();
        var document = CreateDocument(workspace, source, editorConfig, extraReferences);

        var applied = 0;
        for (var round = 0; ; round++)
        {
            var diagnostics = await DiagnosticsAsync(document, analyzer, ruleId);
            if (diagnostics.IsEmpty)
            {
                break;
            }

            Assert.True(round < MaxRounds, $"{ruleId} is still reported after {MaxRounds} fixes:{Environment.NewLine}{await TextAsync(document)}");
            var action = await FindActionAsync(document, fixer, diagnostics, equivalenceKey);
            Assert.True(action is not null, $"No fix '{equivalenceKey}' is offered for {diagnostics[0]} in:{Environment.NewLine}{await TextAsync(document)}");
            var operations = await action!.GetOperationsAsync(CancellationToken.None);
            var apply = Assert.Single(operations.OfType<ApplyChangesOperation>());
            document = apply.ChangedSolution.GetDocument(document.Id)!;
            applied++;
        }

        Assert.True(applied > 0, $"{ruleId} is not reported in the source, so there is nothing to fix:{Environment.NewLine}{source}");
        return await TextAsync(document);
    }

    /// <summary>
    /// Applies the first action with <paramref name="equivalenceKey"/> once, in a project of several documents, and returns
    /// every document's text by name afterwards (documents a fix adds included). The result must compile. Null when no
    /// diagnostic of the rule gets such an action.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>?> ApplyOnceInProjectAsync<TAnalyzer, TFix>((string Name, string Text)[] documents, string ruleId, string equivalenceKey, string? editorConfig = null, IEnumerable<MetadataReference>? extraReferences = null)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        using var workspace = new AdhocWorkspace();
        var project = TestWorkspace.CreateProject(
            workspace,
            "Subject",
            "/",
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            new CSharpParseOptions(LanguageVersion.CSharp12),
            documents,
            editorConfig,
            extraReferences,
            projectFilePath: "/Subject.csproj",
            version: VersionStamp.Create());
        foreach (var document in project.Documents)
        {
            var diagnostics = await DiagnosticsAsync(document, new TAnalyzer(), ruleId);
            var action = diagnostics.IsEmpty ? null : await FindActionAsync(document, new TFix(), diagnostics, equivalenceKey);
            if (action is null)
            {
                continue;
            }

            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution.GetProject(project.Id)!;
            var errors = (await changed.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var texts = new Dictionary<string, string>();
            foreach (var result in changed.Documents)
            {
                texts[result.Name] = await TextAsync(result);
            }

            Assert.True(errors.Count == 0, "The fixed project does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, errors) + Environment.NewLine + string.Join(Environment.NewLine + "----" + Environment.NewLine, texts.Values));
            return texts;
        }

        return null;
    }

    private static Document CreateDocument(AdhocWorkspace workspace, string source, string? editorConfig, IEnumerable<MetadataReference>? extraReferences) =>
        TestWorkspace.CreateProject(
            workspace,
            "Subject",
            "/",
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            new CSharpParseOptions(LanguageVersion.CSharp12),
            new[] { ("Subject.cs", source) },
            editorConfig,
            extraReferences,
            projectFilePath: "/Subject.csproj",
            version: VersionStamp.Create())
        .Documents.Single();

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document, DiagnosticAnalyzer analyzer, string ruleId)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The source does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, errors) + Environment.NewLine + await TextAsync(document));
        // The rule under test is on even when it is off by default (BND1005, BND4001), as a user turns it on.
        var enabled = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem(ruleId, ReportDiagnostic.Warn)));
        var diagnostics = await enabled
            .WithAnalyzers(ImmutableArray.Create(analyzer), document.Project.AnalyzerOptions)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return diagnostics.Where(d => d.Id == ruleId).OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }

    /// <summary>The first diagnostic, in document order, for which the fixer offers an action with <paramref name="equivalenceKey"/>.</summary>
    private static async Task<CodeAction?> FindActionAsync(Document document, CodeFixProvider fixer, ImmutableArray<Diagnostic> diagnostics, string equivalenceKey)
    {
        foreach (var diagnostic in diagnostics)
        {
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await fixer.RegisterCodeFixesAsync(context);
            var match = actions.FirstOrDefault(a => a.EquivalenceKey == equivalenceKey);
            if (match is not null)
            {
                return match;
            }
        }

        return null;
    }

    private static async Task<string> TextAsync(Document document) => (await document.GetTextAsync()).ToString();
}
