using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.Analyzers.Queues;

/// <summary>
/// The site marker <c>// bounded: &lt;reason&gt;</c>: a single-line comment with a non-empty reason, either at the end of a line
/// the reported statement (or member) spans, or on the line directly above it.
/// </summary>
internal static class Justification
{
    public const string Prefix = "bounded:";

    public static bool IsMarked(SyntaxNode site)
    {
        var holder = Holder(site);
        foreach (var trivia in holder.GetLeadingTrivia())
        {
            if (IsMarker(trivia))
            {
                return true;
            }
        }

        // Trailing comments on the statement's lines up to the one where the site ends.
        var lastLineEnd = site.SyntaxTree.GetText().Lines.GetLineFromPosition(site.Span.End).End;
        foreach (var token in holder.DescendantTokens())
        {
            if (token.SpanStart > lastLineEnd)
            {
                break;
            }

            foreach (var trivia in token.TrailingTrivia)
            {
                if (IsMarker(trivia))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The statement, member or field declaration the marker belongs to.</summary>
    private static SyntaxNode Holder(SyntaxNode site)
    {
        for (var current = site; current is not null; current = current.Parent)
        {
            if (current is StatementSyntax or MemberDeclarationSyntax)
            {
                return current;
            }
        }

        return site;
    }

    private static bool IsMarker(SyntaxTrivia trivia)
    {
        if (!trivia.IsKind(SyntaxKind.SingleLineCommentTrivia))
        {
            return false;
        }

        var text = trivia.ToString();
        var start = 2;
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        if (string.Compare(text, start, Prefix, 0, Prefix.Length, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return false;
        }

        for (var i = start + Prefix.Length; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
