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
    /// <summary>What the wrap moves: the acquire, the release (or none: a new one goes to <c>finally</c>) and the locals it keeps in scope.</summary>
    public sealed class Plan
    {
        public Plan(StatementSyntax acquire, StatementSyntax? release, IReadOnlyList<(LocalDeclarationStatementSyntax Declaration, string Type)> hoisted, TryStatementSyntax? existingTry = null)
        {
            Acquire = acquire;
            Release = release;
            Hoisted = hoisted;
            ExistingTry = existingTry;
        }

        public StatementSyntax Acquire { get; }
        public StatementSyntax? Release { get; }

        /// <summary>
        /// The release already sits in the <c>finally</c> of this <c>try</c>, which follows the acquire in the same block;
        /// the statements between them (an early return that skips the release) move to the start of its body.
        /// </summary>
        public TryStatementSyntax? ExistingTry { get; }

        /// <summary>
        /// Declarations between acquire and release whose locals are read after the release: declared before the
        /// <c>try</c> (<c>int read;</c>) and assigned inside it, so they stay in scope. They are top-level statements of
        /// the wrapped range, so they are definitely assigned at the end of the <c>try</c> block.
        /// </summary>
        public IReadOnlyList<(LocalDeclarationStatementSyntax Declaration, string Type)> Hoisted { get; }
    }

    /// <summary>
    /// The wrap, when it keeps the code compiling and behaving the same: both statements sit in one block; nothing in
    /// between is a label or local function; a local declared in between and read after the release is a plain
    /// top-level declaration (then hoisted); and a <c>using</c> declaration in between, which the wrap disposes before
    /// the release instead of at the end of the block, only when what follows the release reads nothing but the
    /// locals the wrap keeps in scope and the acquired one (so nothing after it can observe the earlier disposal).
    /// </summary>
    public static Plan? TryPlan(StatementSyntax acquire, StatementSyntax? release, SemanticModel model, CancellationToken cancellationToken)
    {
        if (release?.Parent is BlockSyntax { Parent: FinallyClauseSyntax { Parent: TryStatementSyntax existing } })
        {
            return TryPlanIntoExistingTry(acquire, release, existing, model, cancellationToken);
        }

        if (acquire.Parent is not BlockSyntax block || (release is not null && release.Parent != block))
        {
            return null;
        }

        var statements = block.Statements;
        var first = statements.IndexOf(acquire);
        var end = release is null ? statements.Count : statements.IndexOf(release);
        if (first < 0 || end <= first)
        {
            return null;
        }

        var declared = new List<ISymbol>();
        var topLevel = new Dictionary<ISymbol, LocalDeclarationStatementSyntax>(SymbolEqualityComparer.Default);
        var hasUsingDeclaration = false;
        for (var i = first + 1; i < end; i++)
        {
            var statement = statements[i];
            if (statement is LabeledStatementSyntax || statement is LocalFunctionStatementSyntax)
            {
                return null;
            }

            hasUsingDeclaration |= statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 };
            foreach (var node in statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is LabeledStatementSyntax)
                {
                    return null;
                }

                if (node is VariableDeclaratorSyntax or SingleVariableDesignationSyntax
                    && model.GetDeclaredSymbol(node, cancellationToken) is { } symbol)
                {
                    declared.Add(symbol);
                    if (statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, IsConst: false, Declaration.Variables.Count: 1 } local
                        && node.Parent?.Parent == local)
                    {
                        topLevel[symbol] = local;
                    }
                }
            }
        }

        var acquired = model.GetDeclaredSymbol(acquire is LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } acquireDeclaration ? acquireDeclaration.Declaration.Variables[0] : acquire, cancellationToken);
        var hoisted = new List<(LocalDeclarationStatementSyntax, string)>();
        var hoistedSymbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (var i = end + 1; i < statements.Count; i++)
        {
            foreach (var node in statements[i].DescendantNodesAndSelf())
            {
                if (node is not IdentifierNameSyntax identifier || model.GetSymbolInfo(identifier, cancellationToken).Symbol is not { } used)
                {
                    continue;
                }

                if (declared.Contains(used, SymbolEqualityComparer.Default))
                {
                    if (!topLevel.TryGetValue(used, out var declaration) || used is not ILocalSymbol { Type: { } type, IsRef: false } || type.IsAnonymousType
                        || type is IErrorTypeSymbol)
                    {
                        return null;
                    }

                    if (hoistedSymbols.Add(used))
                    {
                        hoisted.Add((declaration, type.ToMinimalDisplayString(model, declaration.SpanStart)));
                    }
                }
                else if (hasUsingDeclaration && used is ILocalSymbol or IParameterSymbol && !SymbolEqualityComparer.Default.Equals(used, acquired))
                {
                    return null;
                }
            }
        }

        return new Plan(acquire, release, hoisted);
    }

    /// <summary>
    /// The release is in the <c>finally</c> of a <c>try</c> that starts after statements which can leave without it
    /// (<c>Wait(); if (empty) return; try { … } finally { Release(); }</c>). Those statements move into the <c>try</c>,
    /// when they declare nothing that the <c>catch</c>/<c>finally</c> clauses or the code after the <c>try</c> read and
    /// hold no label, local function or <c>using</c> declaration.
    /// </summary>
    private static Plan? TryPlanIntoExistingTry(StatementSyntax acquire, StatementSyntax release, TryStatementSyntax existing, SemanticModel model, CancellationToken cancellationToken)
    {
        if (acquire.Parent is not BlockSyntax block || existing.Parent != block)
        {
            return null;
        }

        var statements = block.Statements;
        var first = statements.IndexOf(acquire);
        var end = statements.IndexOf(existing);
        if (first < 0 || end <= first + 1)
        {
            return null;
        }

        var declared = new List<ISymbol>();
        for (var i = first + 1; i < end; i++)
        {
            if (statements[i] is LabeledStatementSyntax or LocalFunctionStatementSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 })
            {
                return null;
            }

            foreach (var node in statements[i].DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is LabeledStatementSyntax)
                {
                    return null;
                }

                if (node is VariableDeclaratorSyntax or SingleVariableDesignationSyntax && model.GetDeclaredSymbol(node, cancellationToken) is { } symbol)
                {
                    declared.Add(symbol);
                }
            }
        }

        if (declared.Count > 0)
        {
            var outside = new List<SyntaxNode>(existing.Catches);
            if (existing.Finally is not null)
            {
                outside.Add(existing.Finally);
            }

            for (var i = end + 1; i < statements.Count; i++)
            {
                outside.Add(statements[i]);
            }

            foreach (var node in outside.SelectMany(n => n.DescendantNodesAndSelf()))
            {
                if (node is IdentifierNameSyntax identifier
                    && model.GetSymbolInfo(identifier, cancellationToken).Symbol is { } used
                    && declared.Contains(used, SymbolEqualityComparer.Default))
                {
                    return null;
                }
            }
        }

        return new Plan(acquire, release, new List<(LocalDeclarationStatementSyntax, string)>(), existing);
    }

    /// <summary>
    /// Registers the wrap. The plan's release is moved into <c>finally</c>; without one, <paramref name="newRelease"/>
    /// is added there and the wrap runs to the end of the block.
    /// </summary>
    public static void Apply(SyntaxEditor editor, Plan plan, StatementSyntax? newRelease)
    {
        if (plan.ExistingTry is not null)
        {
            MoveIntoExistingTry(editor, plan.Acquire, plan.ExistingTry);
            return;
        }

        var acquire = plan.Acquire;
        var release = plan.Release;
        var block = (BlockSyntax)acquire.Parent!;
        var acquireMark = new SyntaxAnnotation();
        var releaseMark = new SyntaxAnnotation();
        var hoistMarks = new List<(SyntaxAnnotation Mark, string Type)>();
        editor.ReplaceNode(acquire, (current, _) => current.WithAdditionalAnnotations(acquireMark));
        if (release is not null)
        {
            editor.ReplaceNode(release, (current, _) => current.WithAdditionalAnnotations(releaseMark));
        }

        foreach (var (declaration, type) in plan.Hoisted)
        {
            var mark = new SyntaxAnnotation();
            hoistMarks.Add((mark, type));
            editor.ReplaceNode(declaration, (current, _) => current.WithAdditionalAnnotations(mark));
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
            var declarations = new List<StatementSyntax>();
            var moved = new List<StatementSyntax>(end - first - 1);
            for (var i = first + 1; i < end; i++)
            {
                var statement = statements[i];
                if (HoistedType(statement, hoistMarks) is { } type && statement is LocalDeclarationStatementSyntax local)
                {
                    var variable = local.Declaration.Variables[0];
                    declarations.Add(SyntaxFactory.ParseStatement(type + " " + variable.Identifier.ValueText + ";")
                        .WithLeadingTrivia(acquire.GetLeadingTrivia())
                        .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
                    if (variable.Initializer is null)
                    {
                        continue;
                    }

                    statement = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                            SyntaxKind.SimpleAssignmentExpression,
                            SyntaxFactory.IdentifierName(variable.Identifier.WithoutTrivia()),
                            variable.Initializer.Value.WithoutTrivia()))
                        .WithTriviaFrom(local);
                }

                moved.Add(moved.Count == 0 ? statement.WithLeadingTrivia(SyntaxFactory.ElasticMarker) : statement);
            }

            var tryStatement = SyntaxFactory.TryStatement(
                    FixSyntax.MultiLineBlock(moved.ToArray()),
                    default,
                    SyntaxFactory.FinallyClause(FixSyntax.MultiLineBlock(finallyStatement)))
                .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
                .Formatted();

            var result = new List<StatementSyntax>(statements.Count + declarations.Count);
            for (var i = 0; i <= first; i++)
            {
                result.Add(statements[i]);
            }

            result.AddRange(declarations.Select(d => d.Formatted()));
            result.Add(tryStatement);
            for (var i = end + 1; i < statements.Count; i++)
            {
                result.Add(statements[i]);
            }

            return currentBlock.WithStatements(SyntaxFactory.List(result));
        });
    }

    private static void MoveIntoExistingTry(SyntaxEditor editor, StatementSyntax acquire, TryStatementSyntax existing)
    {
        var block = (BlockSyntax)acquire.Parent!;
        var acquireMark = new SyntaxAnnotation();
        var tryMark = new SyntaxAnnotation();
        editor.ReplaceNode(acquire, (current, _) => current.WithAdditionalAnnotations(acquireMark));
        editor.ReplaceNode(existing, (current, _) => current.WithAdditionalAnnotations(tryMark));
        editor.ReplaceNode(block, (current, _) =>
        {
            var currentBlock = (BlockSyntax)current;
            var statements = currentBlock.Statements;
            var first = IndexOf(statements, acquireMark);
            var end = IndexOf(statements, tryMark);
            if (first < 0 || end <= first + 1)
            {
                return currentBlock;
            }

            var tryStatement = (TryStatementSyntax)statements[end];
            var moved = new List<StatementSyntax>();
            for (var i = first + 1; i < end; i++)
            {
                moved.Add(i == first + 1 ? statements[i].WithLeadingTrivia(SyntaxFactory.ElasticMarker) : statements[i]);
            }

            // The try body's first statement keeps the line break that stood before the try.
            var body = tryStatement.Block.Statements;
            for (var i = 0; i < body.Count; i++)
            {
                moved.Add(i == 0 ? body[i].WithLeadingTrivia(tryStatement.GetLeadingTrivia()) : body[i]);
            }

            var widened = tryStatement
                .WithBlock(FixSyntax.MultiLineBlock(moved.ToArray()))
                .WithLeadingTrivia(statements[first + 1].GetLeadingTrivia())
                .Formatted();

            var result = new List<StatementSyntax>(statements.Count);
            for (var i = 0; i <= first; i++)
            {
                result.Add(statements[i]);
            }

            result.Add(widened);
            for (var i = end + 1; i < statements.Count; i++)
            {
                result.Add(statements[i]);
            }

            return currentBlock.WithStatements(SyntaxFactory.List(result));
        });
    }

    private static string? HoistedType(StatementSyntax statement, List<(SyntaxAnnotation Mark, string Type)> marks)
    {
        foreach (var (mark, type) in marks)
        {
            if (statement.HasAnnotation(mark))
            {
                return type;
            }
        }

        return null;
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
