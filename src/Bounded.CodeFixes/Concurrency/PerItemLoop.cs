using System.Collections.Generic;
using Bounded.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>
/// The loop shape the Parallel.ForEachAsync and worker-pool rewrites accept: a <c>foreach</c> (or <c>await foreach</c>)
/// in an async function whose body is one statement that starts the work, either discarded or added to a task list
/// that the next statement awaits with <c>Task.WhenAll</c> and nothing else uses.
/// </summary>
internal sealed class PerItemLoop
{
    private PerItemLoop(CommonForEachStatementSyntax loop, ForEachStatementSyntax header, ITypeSymbol itemType, bool discarded, LocalDeclarationStatementSyntax? collection, ExpressionStatementSyntax? awaitAll)
    {
        Loop = loop;
        Header = header;
        ItemType = itemType;
        Discarded = discarded;
        Collection = collection;
        AwaitAll = awaitAll;
    }

    public CommonForEachStatementSyntax Loop { get; }

    public ForEachStatementSyntax Header { get; }

    public string ItemName => Header.Identifier.ValueText;

    public ITypeSymbol ItemType { get; }

    public bool IsAsyncForEach => Loop.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword);

    /// <summary>The work was fire-and-forget (<c>_ = Task.Run(...)</c> or a bare call).</summary>
    public bool Discarded { get; }

    /// <summary><c>var tasks = new List&lt;Task&gt;();</c> when the tasks were collected.</summary>
    public LocalDeclarationStatementSyntax? Collection { get; }

    /// <summary><c>await Task.WhenAll(tasks);</c> right after the loop when the tasks were collected.</summary>
    public ExpressionStatementSyntax? AwaitAll { get; }

    public static PerItemLoop? Match(SemanticModel model, SyntaxNode spawn, SyntaxNode loopNode)
    {
        if (loopNode is not ForEachStatementSyntax { Parent: BlockSyntax block } loop
            || !FixSyntax.CanAwaitAt(loop)
            || SingleStatement(loop.Statement) is not ExpressionStatementSyntax statement)
        {
            return null;
        }

        var info = model.GetForEachStatementInfo(loop);
        if (info.ElementType is null || !info.ElementConversion.IsIdentity || info.ElementType.TypeKind == TypeKind.Error)
        {
            return null;
        }

        var expression = statement.Expression;
        if (expression == spawn
            || (expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Right: var right } && right == spawn))
        {
            return new PerItemLoop(loop, loop, info.ElementType, discarded: true, collection: null, awaitAll: null);
        }

        if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add", Expression: IdentifierNameSyntax holder }, ArgumentList.Arguments: { Count: 1 } arguments }
            && arguments[0].Expression == spawn
            && model.GetSymbolInfo(holder).Symbol is ILocalSymbol local
            && FindCollection(block, local, loop, model) is { } collection
            && NextStatement(block, loop) is ExpressionStatementSyntax awaitAll
            && IsAwaitWhenAllOf(awaitAll, local, model)
            && CountReferences(block, local, model) == 2)
        {
            return new PerItemLoop(loop, loop, info.ElementType, discarded: false, collection, awaitAll);
        }

        return null;
    }

    private static StatementSyntax? SingleStatement(StatementSyntax body) =>
        body is BlockSyntax inner ? (inner.Statements.Count == 1 ? inner.Statements[0] : null) : body;

    private static StatementSyntax? NextStatement(BlockSyntax block, StatementSyntax statement)
    {
        var index = block.Statements.IndexOf(statement);
        return index + 1 < block.Statements.Count ? block.Statements[index + 1] : null;
    }

    private static LocalDeclarationStatementSyntax? FindCollection(BlockSyntax block, ILocalSymbol local, StatementSyntax loop, SemanticModel model)
    {
        foreach (var statement in block.Statements)
        {
            if (statement == loop)
            {
                return null;
            }

            if (statement is LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } declaration
                && variables[0].Initializer?.Value is BaseObjectCreationExpressionSyntax
                && SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(variables[0]), local))
            {
                return declaration;
            }
        }

        return null;
    }

    private static bool IsAwaitWhenAllOf(ExpressionStatementSyntax statement, ILocalSymbol local, SemanticModel model)
    {
        if (statement.Expression is not AwaitExpressionSyntax { Expression: var awaited })
        {
            return false;
        }

        if (awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var configured } })
        {
            awaited = configured;
        }

        return awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WhenAll" }, ArgumentList.Arguments: { Count: 1 } arguments }
            && arguments[0].Expression is IdentifierNameSyntax name
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, local);
    }

    private static int CountReferences(BlockSyntax block, ILocalSymbol local, SemanticModel model)
    {
        var count = 0;
        foreach (var node in block.DescendantNodes())
        {
            if (node is IdentifierNameSyntax name && name.Identifier.ValueText == local.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, local))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The configured-await suffix of the WhenAll statement, e.g. <c>.ConfigureAwait(false)</c>, to keep on the replacement.</summary>
    public ArgumentListSyntax? ConfigureAwaitArguments =>
        AwaitAll?.Expression is AwaitExpressionSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } } configure }
            ? configure.ArgumentList
            : null;

    /// <summary>
    /// The per-item statements of a work lambda, for a body that is itself <c>async</c>. Null when the body returns a
    /// value or leaves early (<c>return</c> would mean something else in the new place).
    /// </summary>
    public static List<StatementSyntax>? WorkStatements(IMethodSymbol lambda, AnonymousFunctionExpressionSyntax syntax, SemanticModel model)
    {
        var returnsTask = KnownSymbols.GetOrCreate(model.Compilation).IsTaskType(lambda.ReturnType);
        if (syntax is AnonymousMethodExpressionSyntax || lambda.Parameters.Length > 0)
        {
            return null;
        }

        if (syntax.ExpressionBody is { } body)
        {
            if (body is ThrowExpressionSyntax thrown)
            {
                return new List<StatementSyntax> { ParseStatement("throw " + thrown.Expression.WithoutTrivia().ToFullString() + ";") };
            }

            var expression = body.WithoutTrivia();
            return new List<StatementSyntax> { AsStatement(expression, await: !lambda.IsAsync && returnsTask) };
        }

        if (syntax.Block is not { } block || ContainsReturn(block))
        {
            return null;
        }

        if (!lambda.IsAsync && !lambda.ReturnsVoid)
        {
            return null;
        }

        return new List<StatementSyntax>(block.Statements);
    }

    /// <summary>
    /// A call, assignment, await or creation stays a statement; any other expression becomes a discard.
    /// With <paramref name="await"/> the expression is awaited. Built as text, so it reads as written.
    /// </summary>
    public static StatementSyntax AsStatement(ExpressionSyntax expression, bool await)
    {
        var text = expression.ToFullString();
        if (await)
        {
            return ParseStatement("await " + text + ";");
        }

        return expression is InvocationExpressionSyntax or AwaitExpressionSyntax or AssignmentExpressionSyntax or ObjectCreationExpressionSyntax
            or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax
            ? ParseStatement(text + ";")
            : ParseStatement("_ = " + text + ";");
    }

    private static bool ContainsReturn(BlockSyntax block)
    {
        foreach (var node in block.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax))
        {
            if (node is ReturnStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }
}
