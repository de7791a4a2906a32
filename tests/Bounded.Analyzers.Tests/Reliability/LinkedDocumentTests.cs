using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>
/// A file linked into a <c>netstandard2.0;net10.0</c> project (multi-targeting): every fix, offered in either target's
/// context, is one text that compiles in both. Each target computes the same text for the same diagnostic and key,
/// which is what lets <c>dotnet format</c> merge the linked copies without conflict markers.
/// </summary>
public class LinkedDocumentTests
{
    private const string SharedPath = "/Shared.cs";

    /// <summary>One site per fixable rule, written to compile for netstandard2.0 (C# 7.3) and net10.0.</summary>
    /// <summary>One site per fixable rule, written to compile for netstandard2.0 (C# 7.3) and net10.0; the multi-target end-to-end consumer compiles the same file.</summary>
    private static readonly string Sites = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "tests", "Bounded.EndToEnd.Tests", "MultiTarget", "Sites.cs"));

    private readonly ITestOutputHelper _output;

    public LinkedDocumentTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> LegacyLanguageVersions => new() { "7.3", "12" };

    [Theory]
    [MemberData(nameof(LegacyLanguageVersions))]
    public async Task EveryOfferedFixCompilesForBothTargetsAndIsTheSameTextFromEither(string legacyLanguageVersion)
    {
        using var workspace = new AdhocWorkspace();
        var (modern, legacy) = CreateLinkedPair(workspace, legacyLanguageVersion);
        Assert.Empty(await Harness.CompilerErrorsAsync(modern.Project, CancellationToken.None));
        Assert.Empty(await Harness.CompilerErrorsAsync(legacy.Project, CancellationToken.None));

        var fromModern = await OfferedFixesAsync(modern);
        var fromLegacy = await OfferedFixesAsync(legacy);
        Assert.True(fromModern.Count >= 8, "too few fixes offered to prove anything: " + string.Join(", ", fromModern.Keys));

        foreach (var (site, text) in fromModern.Concat(fromLegacy))
        {
            foreach (var target in new[] { modern, legacy })
            {
                var errors = await NewErrorsAsync(target, text);
                Assert.True(errors.Count == 0, $"{site} does not compile for {target.Project.Name} (C# {legacyLanguageVersion} legacy):\n{string.Join("\n", errors)}\n{text}");
            }
        }

        // Same diagnostic, same key: the same text from either target, so the linked copies merge.
        foreach (var (site, text) in fromModern)
        {
            if (fromLegacy.TryGetValue(site, out var other))
            {
                Assert.True(text == other, $"{site} differs between the targets:\n--- net10.0\n{text}\n--- netstandard2.0\n{other}");
            }
        }

        _output.WriteLine($"{fromModern.Count} fixes from net10.0, {fromLegacy.Count} from netstandard2.0");
    }

    [Fact]
    public async Task RewritesUseWhatEveryTargetHas()
    {
        using var workspace = new AdhocWorkspace();
        var (modern, _) = CreateLinkedPair(workspace, "7.3");
        var fixes = await OfferedFixesAsync(modern);
        var keys = fixes.Keys.Select(k => k.Split('@')[0]).ToHashSet();

        // Parallel.ForEachAsync (.NET 6) and the channel worker pool's await foreach (C# 8) are not offered; the throttle is.
        Assert.DoesNotContain(keys, k => k.EndsWith(".ParallelForEachAsync", StringComparison.Ordinal));
        Assert.DoesNotContain(fixes.Values, text => text.Contains("await foreach", StringComparison.Ordinal));
        Assert.Contains(fixes.Values, text => text.Contains("SemaphoreSlim", StringComparison.Ordinal));

        // No using declaration (C# 8): the token source gets a using statement.
        Assert.DoesNotContain(fixes.Values, text => text.Contains("using var", StringComparison.Ordinal));
        Assert.Contains(fixes.Values, text => text.Contains("using (var timeout", StringComparison.Ordinal));

        // Array.Clear(array) is .NET 6+: the hoisted header is cleared with the three-argument overload.
        Assert.Contains(fixes.Values, text => text.Contains("Array.Clear(header, 0, header.Length)", StringComparison.Ordinal));

        // GetStringAsync(url, token) is .NET 5+: the loop's fix passes the token to Task.Delay only.
        Assert.Contains(fixes.Values, text => text.Contains("await Task.Delay(1000, cancellationToken);", StringComparison.Ordinal));
        Assert.DoesNotContain(fixes.Values, text => text.Contains("GetStringAsync(url, cancellationToken)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutALinkedTargetTheNewerApisAreUsed()
    {
        using var workspace = new AdhocWorkspace();
        var modern = TestWorkspace.CreateProject(workspace, "Modern", "/", CompilationOptions, new CSharpParseOptions(LanguageVersion.CSharp12), new[] { ("Shared.cs", Sites) })
            .Documents.Single();
        var fixes = await OfferedFixesAsync(modern);
        Assert.Contains(fixes.Values, text => text.Contains("Parallel.ForEachAsync", StringComparison.Ordinal));
        Assert.Contains(fixes.Values, text => text.Contains("Array.Clear(header);", StringComparison.Ordinal));
        Assert.Contains(fixes.Values, text => text.Contains("GetStringAsync(url, cancellationToken)", StringComparison.Ordinal));
    }

    private static CSharpCompilationOptions CompilationOptions { get; } = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithSpecificDiagnosticOptions(Harness.ImplementedIds.Select(id => new KeyValuePair<string, ReportDiagnostic>(id, ReportDiagnostic.Warn)));

    private static (Document Modern, Document Legacy) CreateLinkedPair(AdhocWorkspace workspace, string legacyLanguageVersion)
    {
        LanguageVersionFacts.TryParse(legacyLanguageVersion, out var legacyVersion);
        var modernProject = TestWorkspace.CreateProject(workspace, "Modern", "/", CompilationOptions, new CSharpParseOptions(LanguageVersion.CSharp12), new[] { ("Shared.cs", Sites) });
        Assert.True(workspace.TryApplyChanges(modernProject.Solution));
        var legacyProject = TestWorkspace.CreateProject(
            workspace,
            "Legacy",
            "/",
            CompilationOptions,
            new CSharpParseOptions(legacyVersion),
            new[] { ("Shared.cs", Sites) },
            baseReferences: TestEnvironment.NetStandardReferences);
        var modern = legacyProject.Solution.GetProject(modernProject.Id)!.Documents.Single();
        var legacy = legacyProject.Documents.Single();
        Assert.Equal(SharedPath, modern.FilePath);
        Assert.Contains(legacy.Id, modern.GetLinkedDocumentIds());
        return (modern, legacy);
    }

    /// <summary>Every code action every fixer registers for every diagnostic in <paramref name="document"/>'s context, by "key@line".</summary>
    private static async Task<Dictionary<string, string>> OfferedFixesAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var run = await Harness.AnalyzeAsync(compilation, document.Project.AnalyzerOptions, CancellationToken.None);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var diagnostic in run.Diagnostics)
        {
            foreach (var fixer in Harness.Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                foreach (var action in actions)
                {
                    var operations = await action.GetOperationsAsync(CancellationToken.None);
                    var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
                    var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;
                    result[action.EquivalenceKey + "@" + line] = (await changed.GetTextAsync()).ToString();
                }
            }
        }

        return result;
    }

    private static async Task<List<Diagnostic>> NewErrorsAsync(Document target, string text)
    {
        var before = await ErrorsAsync(target);
        var after = await ErrorsAsync(target.WithText(Microsoft.CodeAnalysis.Text.SourceText.From(text)));
        return after.Count > before.Count ? after : new List<Diagnostic>();
    }

    private static async Task<List<Diagnostic>> ErrorsAsync(Document document)
    {
        var model = (await document.GetSemanticModelAsync())!;
        return model.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }
}
