using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Bounded.CodeFixes;

/// <summary>
/// Wraps the statements between an acquire and its release (or the end of the block) in <c>try</c>, with the
/// release in <c>finally</c>. Shared by the ArrayPool (BND3003) and SemaphoreSlim (BND1004) fixes.
/// </summary>
internal static class TryFinallyWrap
{
    /// <summary>
    /// Whether the wrap keeps the code compiling and behaving the same: both statements sit in one block, nothing in
    /// between is a label or a using declaration, and no local declared in between is used after the release.
    /// </summary>
    public static bool CanWrap(StatementSyntax acquire, StatementSyntax? release, SemanticModel model, CancellationToken cancellationToken)
    {
        if (acquire.Parent is not BlockSyntax block || (release is not null && release.Parent != block))
        {
            return false;
        }

        var statements = block.Statements;
        var first = statements.IndexOf(acquire);
        var end = release is null ? statements.Count : statements.IndexOf(release);
        if (first < 0 || end <= first)
        {
            return false;
        }

        var declared = new List<ISymbol>();
        for (var i = first + 1; i < end; i++)
        {
            var statement = statements[i];
            if (statement is LabeledStatementSyntax || statement is LocalFunctionStatementSyntax
                || (statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } && release is not null))
            {
                return false;
            }

            foreach (var node in statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is LabeledStatementSyntax)
                {
                    return false;
                }

                if (node is VariableDeclaratorSyntax or SingleVariableDesignationSyntax
                    && model.GetDeclaredSymbol(node, cancellationToken) is { } symbol)
                {
                    declared.Add(symbol);
                }
            }
        }

        if (declared.Count == 0)
        {
            return true;
        }

        for (var i = end + 1; i < statements.Count; i++)
        {
            foreach (var node in statements[i].DescendantNodesAndSelf())
            {
                if (node is IdentifierNameSyntax identifier
                    && model.GetSymbolInfo(identifier, cancellationToken).Symbol is { } used
                    && declared.Contains(used, SymbolEqualityComparer.Default))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Registers the wrap. <paramref name="release"/> is moved into <c>finally</c>; without one,
    /// <paramref name="newRelease"/> is added there and the wrap runs to the end of the block.
    /// </summary>
    public static void Apply(SyntaxEditor editor, StatementSyntax acquire, StatementSyntax? release, StatementSyntax? newRelease)
    {
        var block = (BlockSyntax)acquire.Parent!;
        var acquireMark = new SyntaxAnnotation();
        var releaseMark = new SyntaxAnnotation();
        editor.ReplaceNode(acquire, (current, _) => current.WithAdditionalAnnotations(acquireMark));
        if (release is not null)
        {
            editor.ReplaceNode(release, (current, _) => current.WithAdditionalAnnotations(releaseMark));
        }

        editor.ReplaceNode(block, (current, _) =>
        {
            var currentBlock = (BlockSyntax)current;
            var statements = currentBlock.Statements;
            var first = IndexOf(statements, acquireMark);
            var end = release is null ? statements.Count : IndexOf(statements, releaseMark);
            if (first < 0 || end <= first)
            {
                return currentBlock;
            }

            var finallyStatement = release is null ? newRelease! : statements[end];
            finallyStatement = finallyStatement.WithoutLeadingTrivia().WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
            var moved = new StatementSyntax[end - first - 1];
            for (var i = first + 1; i < end; i++)
            {
                moved[i - first - 1] = i == first + 1 ? statements[i].WithLeadingTrivia(SyntaxFactory.ElasticMarker) : statements[i];
            }

            var tryStatement = SyntaxFactory.TryStatement(
                    FixSyntax.MultiLineBlock(moved),
                    default,
                    SyntaxFactory.FinallyClause(FixSyntax.MultiLineBlock(finallyStatement)))
                .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
                .Formatted();

            var result = new List<StatementSyntax>(statements.Count);
            for (var i = 0; i <= first; i++)
            {
                result.Add(statements[i]);
            }

            result.Add(tryStatement);
            for (var i = end + 1; i < statements.Count; i++)
            {
                result.Add(statements[i]);
            }

            return currentBlock.WithStatements(SyntaxFactory.List(result));
        });
    }

    private static int IndexOf(SyntaxList<StatementSyntax> statements, SyntaxAnnotation mark)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i].HasAnnotation(mark))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The statement directly in a block that holds <paramref name="node"/>, stopping at functions.</summary>
    public static StatementSyntax? Statement(SyntaxNode node) => FixSyntax.StatementInBlock(node);
}
