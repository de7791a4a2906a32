using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>
/// BND4001: give the queue a capacity (<c>bounded.queue_capacity</c>, default 1024) as a named constant and make every
/// write that could now fail wait for room instead. Offered only when every write is visible and can wait. This class
/// only plans: one class per rewrite (<see cref="BoundChannel"/>, <see cref="BoundBlockingCollection"/>,
/// <see cref="BoundDataflowBlock"/>, <see cref="WaitingWrites"/>, <see cref="CapacityConstant"/>) makes the edits.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedQueueCodeFixProvider)), Shared]
public sealed class UnboundedQueueCodeFixProvider : BoundedCodeFixProvider
{
    public const string BoundedKey = "Bounded." + RuleIds.UnboundedQueue;

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UnboundedQueue);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var creationSyntax = node.FirstAncestorOrSelf<SyntaxNode>(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax);
        if (creationSyntax is null)
        {
            return;
        }

        // The analyzer hands over which kind of queue it found and which argument holds its options.
        if (context.Model.GetOperation(creationSyntax, context.CancellationToken) is not { } operation
            || !UnboundedQueueAnalyzer.TryReadReported(diagnostic, operation, out var queue))
        {
            return;
        }

        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        if (QueueSites.StorageOf(queue.Creation) is not { } storage
            || !WaitingWrites.TryPlan(context, queue, storage, types, out var writes))
        {
            return;
        }

        var capacityValue = OptionCatalog.QueueCapacity.GetInteger(context.Document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider, context.Root.SyntaxTree, RuleIds.UnboundedQueue);
        if (!CapacityConstant.TryPlan(context, creationSyntax, storage.Name, capacityValue, out var capacityName, out var insertCapacity)
            || BoundedCreation(queue, creationSyntax, capacityName, types) is not { } rewriteCreation)
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Bound the queue (capacity " + capacityValue + ", writers wait for room)",
            BoundedKey,
            editor =>
            {
                insertCapacity(editor);
                editor.ReplaceNode(creationSyntax, (current, _) => rewriteCreation(current).WithAdditionalAnnotations(Formatter.Annotation));
                foreach (var write in writes)
                {
                    write(editor);
                }
            }));
    }

    /// <summary>The creation rewrite for the queue's kind; null when that rewrite is withheld for this site.</summary>
    private static System.Func<SyntaxNode, SyntaxNode>? BoundedCreation(UnboundedQueue queue, SyntaxNode creation, string capacityName, KnownSymbols types)
    {
        var capacity = IdentifierName(capacityName);
        switch (queue.Kind)
        {
            case QueueKind.Channel:
                return BoundChannel.Rewrite(queue, creation, capacity);
            case QueueKind.BlockingCollection:
                return BoundBlockingCollection.Rewrite(creation, capacity);
            case QueueKind.DataflowBlock:
                return BoundDataflowBlock.Rewrite(queue, creation, capacity, types);
            default:
                return null;
        }
    }
}
