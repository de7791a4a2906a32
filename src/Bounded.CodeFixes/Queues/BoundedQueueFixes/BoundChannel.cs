using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Bounded.Analyzers;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>
/// BND4001, <c>Channel.CreateUnbounded</c>: the bounded channel with the same options and <c>FullMode = Wait</c>, so
/// writers wait for room instead of dropping items. Withheld when an option cannot be carried over.
/// </summary>
internal static class BoundChannel
{
    private static readonly ImmutableArray<string> CarriedChannelOptions = ImmutableArray.Create("SingleReader", "SingleWriter", "AllowSynchronousContinuations");

    /// <summary><c>Channel.CreateBounded&lt;T&gt;(new BoundedChannelOptions(capacity) { …carried…, FullMode = Wait })</c>.</summary>
    public static Func<SyntaxNode, SyntaxNode>? Rewrite(UnboundedQueue queue, SyntaxNode creation, IdentifierNameSyntax capacity)
    {
        if (creation is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax } })
        {
            return null;
        }

        var carried = new List<ExpressionSyntax>();
        if (queue.Options is { } options)
        {
            if (options.Value.WithoutConversions() is not IObjectCreationOperation { Arguments.Length: 0 } optionsCreation
                || optionsCreation.Syntax is not BaseObjectCreationExpressionSyntax optionsSyntax)
            {
                return null;
            }

            if (optionsSyntax.Initializer is { } initializer)
            {
                foreach (var expression in initializer.Expressions)
                {
                    if (expression is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax property } assignment
                        || CarriedChannelOptions.IndexOf(property.Identifier.ValueText) < 0)
                    {
                        return null; // an option we do not know how to carry over
                    }

                    carried.Add(assignment.WithoutTrivia());
                }
            }
        }

        carried.Add(AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            IdentifierName("FullMode"),
            FixSyntax.QualifiedName("System.Threading.Channels.BoundedChannelFullMode.Wait")));
        var boundedOptions = ObjectCreationExpression(FixSyntax.QualifiedType("System.Threading.Channels.BoundedChannelOptions"))
            .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(capacity))))
            .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SeparatedList(carried)));

        return current =>
        {
            var call = (InvocationExpressionSyntax)current;
            var access = (MemberAccessExpressionSyntax)call.Expression;
            var generic = (GenericNameSyntax)access.Name;
            return call
                .WithExpression(access.WithName(generic.WithIdentifier(Identifier("CreateBounded").WithTriviaFrom(generic.Identifier))))
                .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(boundedOptions))).WithTriviaFrom(call.ArgumentList));
        };
    }
}
