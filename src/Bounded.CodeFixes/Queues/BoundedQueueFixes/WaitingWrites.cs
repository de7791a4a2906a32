using System.Collections.Generic;
using Bounded.Analyzers;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>
/// BND4001: once the queue has a capacity, a <c>TryWrite</c>/<c>Post</c>/<c>TryAdd</c> whose result is ignored would
/// drop items silently, so each becomes a write that waits for room. The fix is withheld when a use escapes, a write
/// cannot wait, or no consumer runs while the queue is written (a waiting write would then wait forever).
/// </summary>
internal static class WaitingWrites
{
    /// <summary>
    /// Finds every use of the queue's variable (a local in its member, or a private field/property in its single type
    /// declaration) and plans a waiting write for each write that ignores a failure. False when a use escapes or a write
    /// cannot wait.
    /// </summary>
    public static bool TryPlan(FixContext context, UnboundedQueue queue, ISymbol storage, KnownSymbols types, out List<System.Action<SyntaxEditor>> writes)
    {
        writes = new List<System.Action<SyntaxEditor>>();
        if (Scope(storage, context.Root.SyntaxTree) is not { } scope)
        {
            return false;
        }

        var reads = new List<SyntaxNode>();
        var writeSites = new List<SyntaxNode>();
        foreach (var identifier in scope.DescendantNodes())
        {
            if (identifier is not IdentifierNameSyntax name
                || name.Identifier.ValueText != storage.Name
                || !SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol, storage))
            {
                continue;
            }

            SyntaxNode referenceSyntax = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
            if (context.Model.GetOperation(referenceSyntax, context.CancellationToken) is not { } reference)
            {
                return false;
            }

            switch (QueueSites.Classify(reference, queue.Kind, types, out var write))
            {
                case QueueUse.Neutral:
                case QueueUse.LinkedTarget:
                    continue;
                case QueueUse.Read:
                    reads.Add(referenceSyntax);
                    continue;
                case QueueUse.WaitingWrite:
                    writeSites.Add(referenceSyntax);
                    continue;
                case QueueUse.Assigned:
                    if (reference.Parent is ISimpleAssignmentOperation { Value: var value } && value.WithoutConversions().Syntax == queue.Creation.Syntax)
                    {
                        continue;
                    }

                    return false;
                case QueueUse.TryWrite when write is not null && WaitingWrite(write, queue.Kind) is { } rewrite:
                    writes.Add(rewrite);
                    writeSites.Add(referenceSyntax);
                    continue;
                case QueueUse.Escapes when QueueSites.WriterAlias(reference) is { } alias:
                    if (!TryPlanAliasWrites(context, alias, writes, writeSites))
                    {
                        return false;
                    }

                    continue;
                default:
                    return false; // escapes, a filtered link, or a write that cannot wait
            }
        }

        return queue.Creation.Type.IsType(types.ActionBlock) || HasConcurrentConsumer(reads, writeSites);
    }

    /// <summary>Every use of a writer alias must be a write or a completion on it; ignored <c>TryWrite</c>s are planned.</summary>
    private static bool TryPlanAliasWrites(FixContext context, ILocalSymbol alias, List<System.Action<SyntaxEditor>> writes, List<SyntaxNode> writeSites)
    {
        if (Scope(alias, context.Root.SyntaxTree) is not { } scope)
        {
            return false;
        }

        foreach (var node in scope.DescendantNodes())
        {
            if (node is not IdentifierNameSyntax name
                || name.Identifier.ValueText != alias.Name
                || !SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol, alias))
            {
                continue;
            }

            if (context.Model.GetOperation(name, context.CancellationToken) is not { } reference)
            {
                return false;
            }

            switch (QueueSites.ClassifyWriterUse(reference, out var write))
            {
                case QueueUse.Neutral:
                    break;
                case QueueUse.WaitingWrite:
                    writeSites.Add(name);
                    break;
                case QueueUse.TryWrite when write is not null && WaitingWrite(write, QueueKind.Channel) is { } rewrite:
                    writes.Add(rewrite);
                    writeSites.Add(name);
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A bounded queue only works when something drains it while it is written: a write that waits for room before any
    /// consumer runs waits forever. Sound enough: some read (a reader use, <c>Take</c>, <c>Receive</c>, <c>LinkTo</c>) is in
    /// another member than every write (a consumer loop started elsewhere), or comes before every write of the same member
    /// (a consumer task started before the producer loop). "Fill, then drain" code gets no fix.
    /// </summary>
    private static bool HasConcurrentConsumer(List<SyntaxNode> reads, List<SyntaxNode> writes)
    {
        foreach (var read in reads)
        {
            var readMember = Member(read);
            var concurrent = true;
            foreach (var write in writes)
            {
                if (Member(write) == readMember && read.SpanStart > write.SpanStart)
                {
                    concurrent = false;
                    break;
                }
            }

            if (concurrent)
            {
                return true;
            }
        }

        return false;
    }

    private static SyntaxNode? Member(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is GlobalStatementSyntax)
            {
                return current.Parent;
            }

            if (current is MemberDeclarationSyntax and not TypeDeclarationSyntax)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>The member (local) or type declaration (private field or property declared once) where every use is written.</summary>
    private static SyntaxNode? Scope(ISymbol storage, SyntaxTree tree)
    {
        switch (storage)
        {
            case ILocalSymbol local when local.DeclaringSyntaxReferences.Length == 1:
                var declaration = local.DeclaringSyntaxReferences[0].GetSyntax();
                for (var current = declaration; current is not null; current = current.Parent)
                {
                    if (current is GlobalStatementSyntax)
                    {
                        return current.Parent;
                    }

                    if (current is MemberDeclarationSyntax)
                    {
                        return current;
                    }
                }

                return null;
            case IFieldSymbol or IPropertySymbol when storage.DeclaredAccessibility == Accessibility.Private
                && storage.ContainingType is { DeclaringSyntaxReferences.Length: 1 } type
                && type.DeclaringSyntaxReferences[0].SyntaxTree == tree:
                return type.DeclaringSyntaxReferences[0].GetSyntax();
            default:
                return null;
        }
    }

    /// <summary>
    /// <c>TryWrite(x)</c> → <c>await WriteAsync(x)</c>, <c>Post(x)</c> → <c>await SendAsync(x)</c>, <c>TryAdd(x)</c> → <c>Add(x)</c>,
    /// for a call whose result is ignored; null when the result is used or the call cannot wait.
    /// </summary>
    private static System.Action<SyntaxEditor>? WaitingWrite(IInvocationOperation write, QueueKind kind)
    {
        if (write.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call
            || call.ArgumentList.Arguments.Count != 1)
        {
            return null;
        }

        ExpressionSyntax replaced = call;
        switch (write.Parent)
        {
            case IExpressionStatementOperation:
                break;
            case ISimpleAssignmentOperation { Target: IDiscardOperation, Parent: IExpressionStatementOperation } discard:
                replaced = (ExpressionSyntax)discard.Syntax;
                break;
            default:
                return null;
        }

        var waitingName = kind switch
        {
            QueueKind.Channel => "WriteAsync",
            QueueKind.DataflowBlock => "SendAsync",
            _ => "Add",
        };
        var awaits = kind != QueueKind.BlockingCollection;
        if (awaits && !FixSyntax.CanAwaitAt(call))
        {
            return null;
        }

        return editor => editor.ReplaceNode(replaced, (current, _) =>
        {
            var currentCall = current as InvocationExpressionSyntax
                ?? (InvocationExpressionSyntax)((AssignmentExpressionSyntax)current).Right;
            var currentAccess = (MemberAccessExpressionSyntax)currentCall.Expression;
            var waiting = currentCall.WithExpression(currentAccess.WithName(IdentifierName(waitingName).WithTriviaFrom(currentAccess.Name)));
            ExpressionSyntax result = awaits ? AwaitExpression(waiting.WithoutLeadingTrivia()) : waiting.WithoutLeadingTrivia();
            return result.WithLeadingTrivia(current.GetLeadingTrivia()).WithTrailingTrivia(current.GetTrailingTrivia());
        });
    }
}
