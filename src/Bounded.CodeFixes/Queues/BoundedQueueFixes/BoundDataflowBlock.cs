using System;
using Bounded.Analyzers;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>
/// BND4001, a dataflow block: <c>BoundedCapacity</c> in the block's own options, so <c>SendAsync</c> waits for room.
/// Withheld when the options live in a variable, which other blocks may share.
/// </summary>
internal static class BoundDataflowBlock
{
    /// <summary>Adds <c>BoundedCapacity = capacity</c> to the block's options, creating the options argument when there is none.</summary>
    public static Func<SyntaxNode, SyntaxNode>? Rewrite(UnboundedQueue queue, SyntaxNode creation, IdentifierNameSyntax capacity, KnownSymbols types)
    {
        if (creation is not BaseObjectCreationExpressionSyntax blockSyntax || blockSyntax.ArgumentList is null || QueueFixSyntax.HasNamedArgument(blockSyntax.ArgumentList))
        {
            return null;
        }

        var boundedCapacity = AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName("BoundedCapacity"), capacity);
        if (queue.Options is null)
        {
            if (OptionsTypeToAdd((IObjectCreationOperation)queue.Creation, types) is not { } optionsType)
            {
                return null;
            }

            var options = ObjectCreationExpression(FixSyntax.QualifiedType(optionsType))
                .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(boundedCapacity)));
            return current =>
            {
                var node = (BaseObjectCreationExpressionSyntax)current;
                return node.WithArgumentList(node.ArgumentList!.AddArguments(Argument(options)));
            };
        }

        if (queue.Options.Value.WithoutConversions() is not IObjectCreationOperation { Syntax: BaseObjectCreationExpressionSyntax optionsSyntax })
        {
            return null; // options held in a variable may be shared with other blocks
        }

        var optionsSpan = optionsSyntax.Span;
        var creationStart = creation.SpanStart;
        return current =>
        {
            var node = (BaseObjectCreationExpressionSyntax)current;
            var inner = node.DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>(optionsSpan.Start - creationStart + node.SpanStart, optionsSpan.Length);
            if (inner is null)
            {
                return node;
            }

            BaseObjectCreationExpressionSyntax bounded;
            if (inner.Initializer is null)
            {
                bounded = inner.WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(boundedCapacity)));
            }
            else
            {
                var expressions = inner.Initializer.Expressions;
                var replacedExisting = false;
                for (var i = 0; i < expressions.Count; i++)
                {
                    if (expressions[i] is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "BoundedCapacity" } } existing)
                    {
                        expressions = expressions.Replace(existing, existing.WithRight(capacity.WithTriviaFrom(existing.Right)));
                        replacedExisting = true;
                    }
                }

                bounded = inner.WithInitializer(inner.Initializer.WithExpressions(replacedExisting ? expressions : expressions.Add(boundedCapacity)));
            }

            return node.ReplaceNode(inner, bounded.WithAdditionalAnnotations(Formatter.Annotation));
        };
    }

    /// <summary>The options type of the constructor that takes the same arguments plus options.</summary>
    private static string? OptionsTypeToAdd(IObjectCreationOperation creation, KnownSymbols types)
    {
        var constructor = creation.Constructor;
        if (constructor is null || creation.Type is not INamedTypeSymbol type)
        {
            return null;
        }

        foreach (var candidate in type.InstanceConstructors)
        {
            if (candidate.Parameters.Length != constructor.Parameters.Length + 1)
            {
                continue;
            }

            var same = true;
            for (var i = 0; i < constructor.Parameters.Length && same; i++)
            {
                same = SymbolEqualityComparer.Default.Equals(candidate.Parameters[i].Type, constructor.Parameters[i].Type);
            }

            var last = candidate.Parameters[candidate.Parameters.Length - 1].Type;
            if (same && types.IsDataflowOptions(last))
            {
                return last.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            }
        }

        return null;
    }
}
