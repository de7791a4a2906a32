using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>BND4001, <c>new BlockingCollection&lt;T&gt;(…)</c>: the constructor overload that also takes the bounded capacity.</summary>
internal static class BoundBlockingCollection
{
    public static Func<SyntaxNode, SyntaxNode>? Rewrite(SyntaxNode creation, IdentifierNameSyntax capacity)
    {
        if (creation is not BaseObjectCreationExpressionSyntax { Initializer: null } collection || QueueFixSyntax.HasNamedArgument(collection.ArgumentList))
        {
            return null; // a collection initializer would block on its own Add once the capacity is reached
        }

        return current =>
        {
            var node = (BaseObjectCreationExpressionSyntax)current;
            return node.WithArgumentList((node.ArgumentList ?? ArgumentList()).AddArguments(Argument(capacity)));
        };
    }
}
