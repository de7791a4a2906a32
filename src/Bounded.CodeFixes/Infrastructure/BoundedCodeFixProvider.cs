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
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace Bounded.CodeFixes;

/// <summary>One way to fix one diagnostic: a title, a stable equivalence key and the edit.</summary>
internal sealed class PlannedFix
{
    public PlannedFix(string title, string equivalenceKey, Action<SyntaxEditor> apply)
        : this(title, equivalenceKey, () => apply)
    {
    }

    /// <param name="build">
    /// Runs only for the fix that is chosen: allocate names from <see cref="FixContext.Names"/> here, so a
    /// variant that is not applied takes no names from the one that is.
    /// </param>
    public PlannedFix(string title, string equivalenceKey, Func<Action<SyntaxEditor>> build)
    {
        Title = title;
        EquivalenceKey = equivalenceKey;
        Build = build;
    }

    public string Title { get; }

    /// <summary><c>Bounded.&lt;ID&gt;[.&lt;variant&gt;]</c>.</summary>
    public string EquivalenceKey { get; }

    /// <summary>Makes the edit, which registers changes on the document's editor through callbacks on original nodes, so fixes compose.</summary>
    public Func<Action<SyntaxEditor>> Build { get; }

    /// <summary>Fixes that change a signature are offered one at a time, never in FixAll.</summary>
    public bool ExcludeFromFixAll { get; set; }
}

/// <summary>
/// A fix that edits more than the diagnostic's document (adds a file, registers a service): offered in the light bulb
/// only, never in FixAll or <c>dotnet format</c>, and not in a document linked into several projects.
/// </summary>
internal sealed class SolutionFix
{
    public SolutionFix(string title, string equivalenceKey, Func<CancellationToken, Task<Solution>> apply)
    {
        Title = title;
        EquivalenceKey = equivalenceKey;
        Apply = apply;
    }

    public string Title { get; }

    public string EquivalenceKey { get; }

    public Func<CancellationToken, Task<Solution>> Apply { get; }
}

/// <summary>What a fix planner sees: the original document, its semantic model, every target it compiles for and the names taken so far.</summary>
internal sealed class FixContext
{
    public FixContext(Document document, SyntaxNode root, SemanticModel model, FixTargets targets, NameAllocator names, CancellationToken cancellationToken)
    {
        Document = document;
        Root = root;
        Model = model;
        Targets = targets;
        Names = names;
        CancellationToken = cancellationToken;
    }

    public Document Document { get; }
    public SyntaxNode Root { get; }
    public SemanticModel Model { get; }

    /// <summary>Ask this, not <see cref="Model"/>'s compilation, whether an API or language feature may be used.</summary>
    public FixTargets Targets { get; }

    public NameAllocator Names { get; }
    public CancellationToken CancellationToken { get; }
}

/// <summary>
/// Base for every Bounded fixer. A fixer plans edits against the original document; a single fix and FixAll
/// run the same plans through one <see cref="SyntaxEditor"/> per document, innermost diagnostic first, with one
/// <see cref="NameAllocator"/> per document so two fixes never introduce the same name. A document linked into
/// several projects (multi-targeting) gets only fixes whose text compiles in every one of them.
/// </summary>
public abstract class BoundedCodeFixProvider : CodeFixProvider
{
    /// <summary>
    /// <c>Bounded.&lt;ID&gt;</c>: the key of the first action at every site that FixAll may apply (a signature change keeps
    /// its own key). A fixer plans its primary rewrite under this
    /// key and alternatives under <c>Bounded.&lt;ID&gt;.&lt;variant&gt;</c>; the primary goes first where the site allows it,
    /// else the best alternative is registered under this key. One key for every site of a rule, so FixAll and
    /// <c>dotnet format</c> (which takes the key of the first action of whichever diagnostic it reads first) fix every
    /// site in one run, whatever order it reads them in.
    /// </summary>
    public static string DefaultKey(string ruleId) => "Bounded." + ruleId;

    private protected abstract void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes);

    /// <summary>Fixes that change other documents too (<see cref="SolutionFix"/>); none unless a fixer plans them.</summary>
    private protected virtual Task PlanSolutionFixesAsync(Diagnostic diagnostic, FixContext context, List<SolutionFix> fixes) => Task.CompletedTask;

    public sealed override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(
        async (fixAllContext, document, diagnostics) =>
        {
            if (diagnostics.IsDefaultOrEmpty)
            {
                return document;
            }

            // No key: dotnet format asks with the key of the first action of the first diagnostic it reads, and none
            // when that site has no fix (in a multi-target project, whichever target it reads first). A bulk run
            // means each site's default fix, so no key is read as the default key: every run fixes the same sites.
            return await ApplyAsync(document, diagnostics, fixAllContext.CodeActionEquivalenceKey, forFixAll: true, fixAllContext.CancellationToken).ConfigureAwait(false);
        });

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        var targets = await FixTargets.CreateAsync(document, model.Compilation, context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var fixes = new List<PlannedFix>();
            PlanSafely(diagnostic, new FixContext(document, root, model, targets, new NameAllocator(model), context.CancellationToken), fixes);
            var defaultIndex = DefaultIndex(fixes);
            for (var i = 0; i < fixes.Count; i++)
            {
                var fix = fixes[i];
                var key = i == defaultIndex ? DefaultKey(diagnostic.Id) : fix.EquivalenceKey;
                var diagnostics = ImmutableArray.Create(diagnostic);
                if (targets.IsLinked)
                {
                    // Offer only what compiles for every target, so the light bulb in one target never breaks another.
                    var fixedDocument = await ApplyAsync(document, root, model, targets, diagnostics, key, forFixAll: false, context.CancellationToken).ConfigureAwait(false);
                    if (fixedDocument != document && await targets.CompilesEverywhereAsync(fixedDocument, context.CancellationToken).ConfigureAwait(false))
                    {
                        context.RegisterCodeFix(CodeAction.Create(fix.Title, _ => Task.FromResult(fixedDocument), key), diagnostic);
                    }

                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        fix.Title,
                        ct => ApplyAsync(document, diagnostics, key, forFixAll: false, ct),
                        key),
                    diagnostic);
            }

            if (!targets.IsLinked && FixableDiagnosticIds.Contains(diagnostic.Id) && diagnostic.Location.SourceTree == root.SyntaxTree)
            {
                var solutionFixes = new List<SolutionFix>();
                await PlanSolutionFixesAsync(diagnostic, new FixContext(document, root, model, targets, new NameAllocator(model), context.CancellationToken), solutionFixes).ConfigureAwait(false);

                foreach (var fix in solutionFixes)
                {
                    context.RegisterCodeFix(CodeAction.Create(fix.Title, fix.Apply, fix.EquivalenceKey), diagnostic);
                }
            }
        }
    }

    /// <param name="equivalenceKey">The action's key; null means each diagnostic's default key (a bulk run).</param>
    private async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, string? equivalenceKey, bool forFixAll, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var targets = await FixTargets.CreateAsync(document, model.Compilation, cancellationToken).ConfigureAwait(false);
        if (!targets.IsLinked)
        {
            return await ApplyAsync(document, root, model, targets, diagnostics, equivalenceKey, forFixAll, cancellationToken).ConfigureAwait(false);
        }

        // Linked: keep the diagnostics whose own fix compiles for every target, then check the batch once more.
        var valid = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var diagnostic in diagnostics)
        {
            var single = await ApplyAsync(document, root, model, targets, ImmutableArray.Create(diagnostic), equivalenceKey, forFixAll, cancellationToken).ConfigureAwait(false);
            if (single != document && await targets.CompilesEverywhereAsync(single, cancellationToken).ConfigureAwait(false))
            {
                valid.Add(diagnostic);
            }
        }

        if (valid.Count == 0)
        {
            return document;
        }

        var batch = await ApplyAsync(document, root, model, targets, valid.ToImmutable(), equivalenceKey, forFixAll, cancellationToken).ConfigureAwait(false);
        return await targets.CompilesEverywhereAsync(batch, cancellationToken).ConfigureAwait(false) ? batch : document;
    }

    private async Task<Document> ApplyAsync(
        Document document,
        SyntaxNode root,
        SemanticModel model,
        FixTargets targets,
        ImmutableArray<Diagnostic> diagnostics,
        string? equivalenceKey,
        bool forFixAll,
        CancellationToken cancellationToken)
    {
        // Plan in document order, so generated names match what fixing one diagnostic at a time gives.
        var names = new NameAllocator(model);
        var chosen = new List<(TextSpan Span, Action<SyntaxEditor> Edit)>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenByDescending(d => d.Location.SourceSpan.Length))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fixes = new List<PlannedFix>();
            PlanSafely(diagnostic, new FixContext(document, root, model, targets, names, cancellationToken), fixes);
            var byDefaultKey = equivalenceKey is null || equivalenceKey == DefaultKey(diagnostic.Id);
            var defaultIndex = byDefaultKey ? DefaultIndex(fixes) : -1;
            for (var i = 0; i < fixes.Count; i++)
            {
                var fix = fixes[i];
                if ((byDefaultKey ? i == defaultIndex : fix.EquivalenceKey == equivalenceKey) && !(forFixAll && fix.ExcludeFromFixAll))
                {
                    chosen.Add((diagnostic.Location.SourceSpan, fix.Build()));
                    break;
                }
            }
        }

        if (chosen.Count == 0)
        {
            return document;
        }

        // Apply innermost first: later starts first, and of two spans starting together the shorter one.
        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        foreach (var (_, edit) in chosen.OrderByDescending(c => c.Span.Start).ThenBy(c => c.Span.Length))
        {
            edit(editor);
        }

        return await CleanUpAsync(document.WithSyntaxRoot(editor.GetChangedRoot()), FixSyntax.DocumentNewLine(root), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What every fix's edited document goes through: imports added, names reduced, formatted, the document's own line breaks.</summary>
    internal static async Task<Document> CleanUpAsync(Document changed, string newLine, CancellationToken cancellationToken)
    {
        changed = await ImportAdder.AddImportsAsync(changed, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        changed = await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        changed = await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await UseDocumentNewLinesAsync(changed, newLine, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The fix that carries the rule's default key: the first one FixAll may apply. A signature change (offered one
    /// site at a time) keeps its own key, so the default key always means a fix that bulk runs apply.
    /// </summary>
    private static int DefaultIndex(List<PlannedFix> fixes)
    {
        for (var i = 0; i < fixes.Count; i++)
        {
            if (!fixes[i].ExcludeFromFixAll)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Generated line breaks (elastic trivia the formatter kept) take the document's own line break.</summary>
    private static async Task<Document> UseDocumentNewLinesAsync(Document document, string newLine, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var replacement = SyntaxFactory.EndOfLine(newLine);
        var rewritten = root.ReplaceTrivia(
            root.DescendantTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia) && t.ToString() != newLine && t.HasAnnotation(SyntaxAnnotation.ElasticAnnotation)),
            (_, _) => replacement);
        return rewritten == root ? document : document.WithSyntaxRoot(rewritten);
    }

    private void PlanSafely(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        if (!FixableDiagnosticIds.Contains(diagnostic.Id) || diagnostic.Location.SourceTree != context.Root.SyntaxTree)
        {
            return;
        }

        var start = fixes.Count;
        Plan(diagnostic, context, fixes);
        var primary = fixes.FindIndex(start, fix => fix.EquivalenceKey == DefaultKey(diagnostic.Id));
        if (primary > start)
        {
            var fix = fixes[primary];
            fixes.RemoveAt(primary);
            fixes.Insert(start, fix);
        }
    }
}
