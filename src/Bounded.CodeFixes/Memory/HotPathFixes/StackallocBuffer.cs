using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Memory;

/// <summary>
/// BND3001, small constant size: a <c>Span&lt;T&gt;</c> on the stack instead of an array. Not in async methods,
/// iterators, catch or finally, where stackalloc is not allowed; declared before the outermost loop, since
/// stackalloc in a loop grows the stack on every iteration.
/// </summary>
internal static class StackallocBuffer
{
    public static bool CanStackallocIn(IOperation allocation, StatementSyntax statement, FixContext context)
    {
        if (context.Model.GetEnclosingSymbol(statement.SpanStart, context.CancellationToken) is not IMethodSymbol { IsAsync: false } method)
        {
            return false;
        }

        for (var node = statement.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case CatchClauseSyntax or FinallyClauseSyntax:
                    return false;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                    return !ContainsYield(node);
            }
        }

        return method is not null;
    }

    private static bool ContainsYield(SyntaxNode function)
    {
        foreach (var node in function.DescendantNodes(n => n == function || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is YieldStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The outermost loop statement around the allocation in its own function, if any.</summary>
    public static StatementSyntax? OutermostLoop(IOperation allocation)
    {
        StatementSyntax? outer = null;
        for (var current = allocation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                break;
            }

            if (current is ILoopOperation { Syntax: StatementSyntax loopStatement })
            {
                outer = loopStatement;
            }
        }

        return outer;
    }

    /// <summary><c>Call(buffer, offset, count)</c> becomes <c>Call(buffer.Slice(offset, count))</c>, the span overload.</summary>
    private static void SliceRange(SyntaxEditor editor, ArgumentSyntax array, string name)
    {
        if (array.Parent is not ArgumentListSyntax list)
        {
            return;
        }

        var index = list.Arguments.IndexOf(array);
        var offset = list.Arguments[index + 1];
        var count = list.Arguments[index + 2];
        var slice = ParseExpression(name + ".Slice(" + offset.Expression.WithoutTrivia().ToFullString() + ", " + count.Expression.WithoutTrivia().ToFullString() + ")");
        editor.ReplaceNode(array, (current, _) => ((ArgumentSyntax)current).WithExpression(slice.WithTriviaFrom(((ArgumentSyntax)current).Expression)));
        editor.RemoveNode(offset, SyntaxRemoveOptions.KeepNoTrivia);
        editor.RemoveNode(count, SyntaxRemoveOptions.KeepNoTrivia);
    }

    public static void Apply(SyntaxEditor editor, BufferDeclaration declaration, ILocalSymbol local, string element, ExpressionSyntax sizeSyntax, StatementSyntax? outerLoop, BufferUses uses)
    {
        var name = local.Name;
        foreach (var use in uses.Uses)
        {
            switch (use.Rewrite)
            {
                case UseRewrite.ViewWithoutArguments:
                    editor.ReplaceNode(use.Node, (current, _) => IdentifierName(name).WithTriviaFrom(current));
                    break;
                case UseRewrite.ViewFromStart:
                case UseRewrite.ViewWithRange:
                    editor.ReplaceNode(use.Node, (current, _) =>
                    {
                        var invocation = (InvocationExpressionSyntax)current;
                        return invocation.Expression is MemberAccessExpressionSyntax access
                            ? invocation.WithExpression(access.WithName(IdentifierName("Slice")))
                            : current;
                    });
                    break;
                case UseRewrite.SpanRange:
                    SliceRange(editor, (ArgumentSyntax)use.Node, name);
                    break;
            }
        }

        var spanDeclaration = (LocalDeclarationStatementSyntax)ParseStatement(
            "global::System.Span<" + element + "> " + name + " = stackalloc " + element + "[" + sizeSyntax.WithoutTrivia().ToFullString() + "];");
        spanDeclaration = spanDeclaration.WithDeclaration(spanDeclaration.Declaration.WithType(
            spanDeclaration.Declaration.Type.WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation, Microsoft.CodeAnalysis.Simplification.Simplifier.AddImportsAnnotation)));
        if (outerLoop is null)
        {
            editor.ReplaceNode(declaration.Statement, spanDeclaration.WithTriviaFrom(declaration.Statement).Formatted());
            return;
        }

        BufferSite.InsertBeforeLoop(editor, outerLoop, spanDeclaration.WithTrailingTrivia(ElasticCarriageReturnLineFeed).Formatted());
        if (uses.NeedsClear)
        {
            editor.ReplaceNode(declaration.Statement, FixSyntax.Statement(name + ".Clear();").WithTriviaFrom(declaration.Statement));
        }
        else
        {
            editor.RemoveNode(declaration.Statement, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }
    }
}
