using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.CodeFixes.Queues;

/// <summary>Syntax helpers the BND4001 rewrites share.</summary>
internal static class QueueFixSyntax
{
    /// <summary>A named argument: adding a positional capacity after it would not compile.</summary>
    public static bool HasNamedArgument(ArgumentListSyntax? arguments)
    {
        if (arguments is null)
        {
            return false;
        }

        foreach (var argument in arguments.Arguments)
        {
            if (argument.NameColon is not null)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Finds a node again inside a rewritten copy of its ancestor, where node identity is lost but the relative span is not.</summary>
internal static class SyntaxNodeSearch
{
    /// <summary>The descendant of type <typeparamref name="T"/> with exactly the given span.</summary>
    public static T? OfType<T>(this IEnumerable<SyntaxNode> nodes, int start, int length)
        where T : SyntaxNode
    {
        foreach (var node in nodes)
        {
            if (node is T typed && typed.SpanStart == start && typed.Span.Length == length)
            {
                return typed;
            }
        }

        return null;
    }
}
