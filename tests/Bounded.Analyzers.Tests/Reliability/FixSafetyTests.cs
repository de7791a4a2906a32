using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>
/// Applies every fix every fixer offers, one by one and through FixAll, to every diagnostic in the corpus and in
/// every other test source that compiles: the result must compile without new errors, and the fixed site must not
/// keep its diagnostic.
/// </summary>
public class FixSafetyTests
{
    /// <summary>
    /// Fixes that are documented to leave their own diagnostic behind (equivalence key), with the reason. Empty: every
    /// Bounded fix removes what it fixes.
    /// </summary>
    private static readonly ImmutableDictionary<string, string> DocumentedLeftovers = ImmutableDictionary<string, string>.Empty;

    private readonly ITestOutputHelper _output;

    public FixSafetyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task EveryFixCompilesAndRemovesItsDiagnostic()
    {
        var projects = new List<(string Name, Project Project)> { ("corpus", CorpusTests.CorpusProject()) };
        var skipped = 0;
        foreach (var source in TestSources.All.Where(s => !s.Name.StartsWith("tests/Bounded.Analyzers.Tests/Corpus/", StringComparison.Ordinal)))
        {
            var project = Harness.CreateProject(new[] { source });
            if ((await Harness.CompilerErrorsAsync(project, CancellationToken.None)).IsEmpty)
            {
                projects.Add((source.Name, project));
            }
            else
            {
                skipped++; // a fragment (or a deliberately broken shape): the mutation test covers it
            }
        }

        var failures = new List<string>();
        var applied = 0;
        var diagnostics = 0;
        foreach (var (name, project) in projects)
        {
            var run = await Harness.AnalyzeAsync(project, CancellationToken.None);
            Assert.Empty(run.AnalyzerFailures);
            diagnostics += run.Diagnostics.Length;
            foreach (var fix in await Harness.ApplyEveryFixAsync(project, run.Diagnostics, CancellationToken.None))
            {
                applied++;
                var problem = await CheckAsync(fix, run.Diagnostics);
                if (problem is not null)
                {
                    failures.Add($"{name}: {(fix.FixAll ? "FixAll " : "")}'{fix.EquivalenceKey}' for {Harness.Describe(fix.Diagnostic)}: {problem}");
                }
            }
        }

        _output.WriteLine($"{projects.Count} sources ({skipped} fragments skipped), {diagnostics} diagnostics, {applied} fix applications checked");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Distinct().Take(20)));
    }

    private static async Task<string?> CheckAsync(AppliedFix fix, ImmutableArray<Diagnostic> before)
    {
        var documentId = fix.Before.GetDocumentId(fix.Diagnostic.Location.SourceTree);
        if (documentId is null)
        {
            return "the diagnostic's document is not in the solution";
        }

        var changedDocuments = fix.After.GetChanges(fix.Before).GetProjectChanges().SelectMany(p => p.GetChangedDocuments()).ToArray();
        if (changedDocuments.Length == 0)
        {
            // FixAll skips fixes excluded from it (signature changes): nothing to apply is then correct.
            return fix.FixAll ? null : "the offered fix changed nothing";
        }

        var project = fix.After.GetProject(documentId.ProjectId)!;
        var compilation = (await project.GetCompilationAsync())!;
        foreach (var changedId in changedDocuments)
        {
            var tree = (await fix.After.GetDocument(changedId)!.GetSyntaxTreeAsync())!;
            var errors = compilation.GetSemanticModel(tree).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            if (errors.Length > 0)
            {
                return "the fixed code does not compile:\n  " + string.Join("\n  ", errors.Take(5).Select(e => e.ToString()))
                    + "\n--- fixed document ---\n" + tree;
            }
        }

        // The fixed site keeps no diagnostic of the same ID: the document has fewer of them by at least the number fixed.
        var fixedTree = (await fix.After.GetDocument(documentId)!.GetSyntaxTreeAsync())!;
        var withAnalyzers = compilation.WithAnalyzers(Harness.Analyzers, project.AnalyzerOptions);
        var after = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(fixedTree), filterSpan: null, CancellationToken.None);
        var id = fix.Diagnostic.Id;
        var countBefore = before.Count(d => d.Id == id && d.Location.SourceTree == fix.Diagnostic.Location.SourceTree);
        var countAfter = after.Count(d => d.Id == id);
        var fixedCount = fix.Fixed.Count(d => d.Id == id);
        if (countAfter > countBefore - fixedCount && !DocumentedLeftovers.ContainsKey(fix.EquivalenceKey))
        {
            return $"{id} is still reported where it was fixed ({countBefore} before, {fixedCount} fixed, {countAfter} after):\n  "
                + string.Join("\n  ", after.Where(d => d.Id == id).Select(Harness.Describe)) + "\n--- fixed document ---\n" + fixedTree;
        }

        return null;
    }
}
