using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Bounded.CodeFixes;

/// <summary>Small syntax helpers shared by the fixers.</summary>
internal static class FixSyntax
{
    /// <summary>A fully qualified type or member name that the cleanup turns into a short name plus a using directive.</summary>
    public static ExpressionSyntax QualifiedName(string fullName) =>
        SyntaxFactory.ParseExpression("global::" + fullName)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    public static TypeSyntax QualifiedType(string fullName) =>
        SyntaxFactory.ParseTypeName("global::" + fullName)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    /// <summary>Parses a statement written in source form and marks it for formatting.</summary>
    public static StatementSyntax Statement(string text) =>
        SyntaxFactory.ParseStatement(text)
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary>
    /// Parses a statement written with <c>global::</c>-qualified names; those names are reduced and their
    /// namespaces imported by the cleanup.
    /// </summary>
    public static StatementSyntax StatementWithImports(string text) =>
        WithImports(SyntaxFactory.ParseStatement(text))
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary>Marks every <c>global::</c>-qualified name in <paramref name="node"/> for simplification and import.</summary>
    public static T WithImports<T>(T node)
        where T : SyntaxNode
    {
        var qualified = new System.Collections.Generic.List<SyntaxNode>();
        foreach (var alias in node.DescendantNodes().OfType<AliasQualifiedNameSyntax>())
        {
            SyntaxNode top = alias;
            while (top.Parent is QualifiedNameSyntax q && q.Left == top
                || top.Parent is MemberAccessExpressionSyntax m && m.Expression == top)
            {
                top = top.Parent;
            }

            qualified.Add(top);
        }

        return node.ReplaceNodes(qualified, (_, rewritten) => rewritten.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
    }

    /// <summary>The whitespace that indents <paramref name="node"/>'s first line, without the comments and blank lines above it.</summary>
    public static SyntaxTriviaList Indentation(SyntaxNode node)
    {
        var leading = node.GetLeadingTrivia();
        var start = leading.Count;
        while (start > 0 && leading[start - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            start--;
        }

        var indentation = SyntaxTriviaList.Empty;
        for (var i = start; i < leading.Count; i++)
        {
            indentation = indentation.Add(leading[i]);
        }

        return indentation;
    }

    /// <summary>The line break the document already uses.</summary>
    public static string DocumentNewLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia.ToString();
            }
        }

        return "\n";
    }

    /// <summary>A block laid out on several lines (the formatter keeps blocks it sees on one line as they are).</summary>
    public static BlockSyntax MultiLineBlock(params StatementSyntax[] statements)
    {
        var list = new StatementSyntax[statements.Length];
        for (var i = 0; i < statements.Length; i++)
        {
            var statement = statements[i];
            list[i] = statement.GetTrailingTrivia().Any(SyntaxKind.EndOfLineTrivia)
                ? statement
                : statement.WithTrailingTrivia(statement.GetTrailingTrivia().Add(SyntaxFactory.ElasticCarriageReturnLineFeed));
        }

        return SyntaxFactory.Block(
            SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed),
            SyntaxFactory.List(list),
            SyntaxFactory.Token(SyntaxKind.CloseBraceToken));
    }

    /// <summary>An existing block with its braces on their own lines.</summary>
    public static BlockSyntax AsMultiLine(BlockSyntax block) =>
        block.Statements.Count == 0 ? MultiLineBlock() : MultiLineBlock(System.Linq.Enumerable.ToArray(block.Statements));

    public static T Formatted<T>(this T node)
        where T : SyntaxNode => node.WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary>Whether <c>await</c> may be written at <paramref name="node"/>: inside an async function and not in a lock.</summary>
    public static bool CanAwaitAt(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case LockStatementSyntax:
                case UnsafeStatementSyntax:
                    return false;
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax localFunction:
                    return localFunction.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>The statement holding <paramref name="node"/> that sits directly in a block, searched up to <paramref name="stop"/>.</summary>
    public static StatementSyntax? StatementInBlock(SyntaxNode node, SyntaxNode? stop = null)
    {
        for (var current = node; current is not null && current != stop; current = current.Parent)
        {
            if (current is StatementSyntax statement && statement.Parent is BlockSyntax)
            {
                return statement;
            }

            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The one token in scope at <paramref name="node"/>, found the way every Bounded fix finds tokens
    /// (<see cref="Bounded.Analyzers.TokenDiscovery"/>); null when there is none or more than one to choose from.
    /// </summary>
    public static string? TokenInScope(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        var candidates = Bounded.Analyzers.TokenDiscovery.Find(model, node, cancellationToken);
        return candidates.Length == 1 ? candidates[0].Expression : null;
    }
}
