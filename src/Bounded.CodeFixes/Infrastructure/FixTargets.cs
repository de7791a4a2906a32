using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bounded.CodeFixes;

/// <summary>
/// Every compilation a document is part of: its own and, for a file linked into several projects (one per target
/// framework of a multi-targeted project), each linked copy's. A fix uses an API or a language feature only when
/// every target has it, so each target computes the same text and that text compiles for all of them.
/// </summary>
internal sealed class FixTargets
{
    private readonly ImmutableArray<Compilation> _compilations;
    private readonly ImmutableArray<Document> _linked;

    /// <summary>Each linked copy's error count before any fix, computed once: every fix is compared with it.</summary>
    private int[]? _errorsBefore;

    private FixTargets(ImmutableArray<Compilation> compilations, ImmutableArray<Document> linked, LanguageVersion languageVersion)
    {
        _compilations = compilations;
        _linked = linked;
        LanguageVersion = languageVersion;
    }

    /// <summary>The oldest language version among the targets.</summary>
    public LanguageVersion LanguageVersion { get; }

    /// <summary>Whether the document is compiled in more than one project.</summary>
    public bool IsLinked => !_linked.IsEmpty;

    /// <summary>Using declarations (C# 8) in every target.</summary>
    public bool SupportUsingDeclarations => LanguageVersion >= LanguageVersion.CSharp8;

    /// <summary>Async streams (<c>await foreach</c>, C# 8) in every target.</summary>
    public bool SupportAsyncStreams => LanguageVersion >= LanguageVersion.CSharp8;

    public static async Task<FixTargets> CreateAsync(Document document, Compilation own, CancellationToken cancellationToken)
    {
        var compilations = ImmutableArray.CreateBuilder<Compilation>();
        var linked = ImmutableArray.CreateBuilder<Document>();
        compilations.Add(own);
        var languageVersion = LanguageVersionOf(document);
        foreach (var id in document.GetLinkedDocumentIds())
        {
            if (document.Project.Solution.GetDocument(id) is not { } other
                || await other.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false) is not { } compilation)
            {
                continue;
            }

            linked.Add(other);
            compilations.Add(compilation);
            var version = LanguageVersionOf(other);
            if (version < languageVersion)
            {
                languageVersion = version;
            }
        }

        return new FixTargets(compilations.ToImmutable(), linked.ToImmutable(), languageVersion);
    }

    /// <summary>Whether every target's compilation satisfies <paramref name="has"/>.</summary>
    public bool Everywhere(Func<Compilation, bool> has)
    {
        foreach (var compilation in _compilations)
        {
            if (!has(compilation))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every target has <paramref name="symbol"/> (found by its documentation ID, which names its signature).</summary>
    public bool HaveEverywhere(ISymbol symbol)
    {
        var definition = symbol is IMethodSymbol { ReducedFrom: { } extension } ? extension : symbol.OriginalDefinition;
        var id = DocumentationCommentId.CreateDeclarationId(definition);
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        for (var i = 1; i < _compilations.Length; i++)
        {
            if (DocumentationCommentId.GetFirstSymbolForDeclarationId(id, _compilations[i]) is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The last line of defence for a linked document: <paramref name="changed"/>'s text adds no compiler error in
    /// any linked copy. Decisions that consult <see cref="Everywhere"/> keep this true; this catches the ones that
    /// cannot (an overload picked by the compiler from the user's own call).
    /// </summary>
    public async Task<bool> CompilesEverywhereAsync(Document changed, CancellationToken cancellationToken)
    {
        if (_linked.IsEmpty)
        {
            return true;
        }

        if (_errorsBefore is null)
        {
            var counts = new int[_linked.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = await ErrorCountAsync(_linked[i], cancellationToken).ConfigureAwait(false);
            }

            _errorsBefore = counts;
        }

        var text = await changed.GetTextAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _linked.Length; i++)
        {
            if (await ErrorCountAsync(_linked[i].WithText(text), cancellationToken).ConfigureAwait(false) > _errorsBefore[i])
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<int> ErrorCountAsync(Document document, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return int.MaxValue;
        }

        var count = 0;
        foreach (var diagnostic in model.GetDiagnostics(cancellationToken: cancellationToken))
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                count++;
            }
        }

        return count;
    }

    private static LanguageVersion LanguageVersionOf(Document document) =>
        document.Project.ParseOptions is CSharpParseOptions options ? options.LanguageVersion : LanguageVersion.CSharp1;
}
