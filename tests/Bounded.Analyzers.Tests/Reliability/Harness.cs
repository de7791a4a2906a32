using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Tests.Meta;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>A source file to analyse: a stable name (its repository path) and its text.</summary>
public sealed record SourceFile(string Name, string Text);

/// <summary>What one analysis run produced: the diagnostics and every exception an analyzer threw.</summary>
public sealed record AnalysisRun(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<string> AnalyzerFailures);

/// <summary>
/// One offered code action and what applying it produced. A single fix has one diagnostic in <paramref name="Fixed"/>;
/// FixAll has every diagnostic of the document for which a fix with the same equivalence key was offered.
/// </summary>
public sealed record AppliedFix(ImmutableArray<Diagnostic> Fixed, string EquivalenceKey, bool FixAll, Solution Before, Solution After)
{
    public Diagnostic Diagnostic => Fixed[0];
}

/// <summary>
/// Runs every Bounded analyzer and every Bounded fixer the way an IDE would, without the testing framework:
/// an ad-hoc workspace over the real net10.0 reference assemblies, <see cref="CompilationWithAnalyzers"/>, and
/// code actions applied through their operations (single fixes and FixAll).
/// </summary>
public static class Harness
{
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = RuleCatalogTests.Analyzers.ToImmutableArray();

    public static IReadOnlyList<CodeFixProvider> Fixers => RuleCatalogTests.Fixers;

    /// <summary>Every rule ID that has an analyzer in the assembly.</summary>
    public static ImmutableHashSet<string> ImplementedIds { get; } = Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToImmutableHashSet();

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>Every rule on, at least at its default severity (rules that are off by default are turned on as warnings).</summary>
    private static readonly ImmutableDictionary<string, ReportDiagnostic> AllRulesOn = Analyzers
        .SelectMany(a => a.SupportedDiagnostics)
        .GroupBy(d => d.Id)
        .ToImmutableDictionary(g => g.Key, g => g.First().IsEnabledByDefault ? ReportDiagnostic.Default : ReportDiagnostic.Warn);

    private static readonly Lazy<MetadataReference> LazyCorpusFramework = new(() =>
    {
        var stubs = TestSources.Corpus.Where(s => s.Name.EndsWith("FrameworkStubs.cs", StringComparison.Ordinal))
            .Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, path: s.Name));
        var compilation = CSharpCompilation.Create("CorpusFramework", stubs, TestEnvironment.NetReferences, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new System.IO.MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException("FrameworkStubs.cs does not compile: " + string.Join("\n", result.Diagnostics));
        }

        return MetadataReference.CreateFromImage(image.ToArray());
    });

    /// <summary>The corpus's framework stubs (ASP.NET, hosting, logging) compiled once, as a reference.</summary>
    public static MetadataReference CorpusFramework => LazyCorpusFramework.Value;

    public static Project CreateProject(IEnumerable<SourceFile> sources, string? editorConfig = null, IEnumerable<MetadataReference>? extraReferences = null) =>
        TestWorkspace.CreateProject(
            new AdhocWorkspace(),
            "Reliability",
            "/src/",
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable)
                .WithSpecificDiagnosticOptions(AllRulesOn),
            ParseOptions,
            sources.Select(s => (s.Name, s.Text)),
            editorConfig,
            extraReferences);

    /// <summary>Runs <paramref name="analyzers"/> (all by default) on the project; analyzer exceptions are collected, never thrown.</summary>
    public static async Task<AnalysisRun> AnalyzeAsync(Project project, CancellationToken cancellationToken, bool concurrent = true, ImmutableArray<DiagnosticAnalyzer> analyzers = default)
    {
        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        return await AnalyzeAsync(compilation, project.AnalyzerOptions, cancellationToken, concurrent, analyzers).ConfigureAwait(false);
    }

    /// <param name="failures">Where analyzer exceptions go; pass one to see them even when the run is cancelled.</param>
    public static async Task<AnalysisRun> AnalyzeAsync(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken, bool concurrent = true, ImmutableArray<DiagnosticAnalyzer> analyzers = default, ConcurrentQueue<string>? failures = null)
    {
        failures ??= new ConcurrentQueue<string>();
        var withAnalyzers = compilation.WithAnalyzers(
            analyzers.IsDefault ? Analyzers : analyzers,
            new CompilationWithAnalyzersOptions(
                options,
                onAnalyzerException: (exception, analyzer, _) =>
                {
                    if (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        failures!.Enqueue(analyzer.GetType().Name + " threw " + exception);
                    }
                },
                concurrentAnalysis: concurrent,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Id is "AD0001" or "AD0002")
            {
                failures.Enqueue(diagnostic.ToString());
            }
        }

        return new AnalysisRun(diagnostics.Where(d => d.Id.StartsWith("BND", StringComparison.Ordinal)).ToImmutableArray(), failures.ToArray());
    }

    /// <summary>Compiler errors of the project (analyzers not run).</summary>
    public static async Task<ImmutableArray<Diagnostic>> CompilerErrorsAsync(Project project, CancellationToken cancellationToken)
    {
        var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
        return compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
    }

    /// <summary>
    /// Asks every fixer for the diagnostics it handles, applies every action it registers, then FixAll in document
    /// scope for each distinct equivalence key. Returns what each application produced.
    /// </summary>
    /// <param name="singleFixesForFirstOnly">
    /// Register fixes for every diagnostic but apply single fixes only for the first one per document (FixAll still
    /// applies the plans of all of them): the mutation test's budget.
    /// </param>
    public static async Task<List<AppliedFix>> ApplyEveryFixAsync(Project project, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken, bool singleFixesForFirstOnly = false)
    {
        var applied = new List<AppliedFix>();
        var solution = project.Solution;
        foreach (var fixer in Fixers)
        {
            var fixable = diagnostics.Where(d => fixer.FixableDiagnosticIds.Contains(d.Id) && d.Location.IsInSource).ToArray();
            foreach (var byDocument in fixable.GroupBy(d => d.Location.SourceTree!))
            {
                var document = solution.GetDocument(byDocument.Key);
                if (document is null)
                {
                    continue;
                }

                var offeredKeys = new Dictionary<string, List<Diagnostic>>(StringComparer.Ordinal);
                var first = true;
                foreach (var diagnostic in byDocument.OrderBy(d => d.Location.SourceSpan.Start))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var apply = first || !singleFixesForFirstOnly;
                    first = false;
                    var actions = new List<CodeAction>();
                    var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
                    await fixer.RegisterCodeFixesAsync(context).ConfigureAwait(false);
                    foreach (var action in actions)
                    {
                        if (apply)
                        {
                            var after = await ApplyAsync(action, solution, cancellationToken).ConfigureAwait(false);
                            applied.Add(new AppliedFix(ImmutableArray.Create(diagnostic), action.EquivalenceKey ?? "", FixAll: false, solution, after));
                        }

                        if (action.EquivalenceKey is { } key)
                        {
                            if (!offeredKeys.TryGetValue(key, out var list))
                            {
                                offeredKeys[key] = list = new List<Diagnostic>();
                            }

                            list.Add(diagnostic);
                        }
                    }
                }

                var fixAllProvider = fixer.GetFixAllProvider();
                if (fixAllProvider is null)
                {
                    continue;
                }

                foreach (var (key, offeredFor) in offeredKeys.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var fixAllContext = new FixAllContext(
                        document,
                        fixer,
                        FixAllScope.Document,
                        key,
                        fixer.FixableDiagnosticIds,
                        new FixedDiagnosticProvider(byDocument.ToImmutableArray()),
                        cancellationToken);
                    var action = await fixAllProvider.GetFixAsync(fixAllContext).ConfigureAwait(false);
                    if (action is null)
                    {
                        continue;
                    }

                    var after = await ApplyAsync(action, solution, cancellationToken).ConfigureAwait(false);
                    applied.Add(new AppliedFix(offeredFor.ToImmutableArray(), key, FixAll: true, solution, after));
                }
            }
        }

        return applied;
    }

    internal static async Task<Solution> ApplyAsync(CodeAction action, Solution solution, CancellationToken cancellationToken)
    {
        var result = solution;
        foreach (var operation in await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (operation is ApplyChangesOperation apply)
            {
                result = apply.ChangedSolution;
            }
        }

        // Materialise the changed text so lazy work (formatting, simplification) runs here.
        foreach (var projectChanges in result.GetChanges(solution).GetProjectChanges())
        {
            foreach (var id in projectChanges.GetChangedDocuments())
            {
                await result.GetDocument(id)!.GetTextAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    /// <summary>A FixAll diagnostic provider over diagnostics computed up front.</summary>
    internal sealed class FixedDiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> _diagnostics;

        public FixedDiagnosticProvider(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return _diagnostics.Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(Array.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);
    }

    /// <summary>A stable description of a diagnostic: file, line (1-based), ID and message.</summary>
    public static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        return $"{System.IO.Path.GetFileName(span.Path)}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1} {diagnostic.Id} {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
