using Bounded.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>
/// Rewrites a work lambda so it releases a semaphore slot in <c>finally</c> (and, when gating inside, waits for
/// one first). Decides up front whether that can be done without changing what the lambda returns or throws.
/// </summary>
internal sealed class WorkRewrite
{
    private readonly bool _makeAsync;
    private readonly bool _returnsValue;
    private readonly bool _awaitExpressionBody;

    private WorkRewrite(bool makeAsync, bool returnsValue, bool awaitExpressionBody)
    {
        _makeAsync = makeAsync;
        _returnsValue = returnsValue;
        _awaitExpressionBody = awaitExpressionBody;
    }

    /// <param name="gateInside">The lambda must await the semaphore itself, so it has to become async.</param>
    /// <param name="allowTaskUnwrap">A non-async lambda returning a Task may become async (Task.Run unwraps either way).</param>
    public static WorkRewrite? Analyze(SemanticModel model, IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax syntax, bool gateInside, bool allowTaskUnwrap)
    {
        var symbol = lambda.Symbol;
        if (syntax is AnonymousMethodExpressionSyntax || syntax.Modifiers.Any(SyntaxKind.StaticKeyword))
        {
            return null;
        }

        var types = KnownSymbols.GetOrCreate(model.Compilation);
        var returnsTask = symbol.ReturnType.IsType(types.Task);
        var returnsGenericTask = symbol.ReturnType.IsType(types.GenericTask);
        var isAsync = symbol.IsAsync;

        if (isAsync)
        {
            if (!returnsTask && !returnsGenericTask)
            {
                return null; // async void or ValueTask: no safe place for the release
            }

            return new WorkRewrite(makeAsync: false, returnsValue: returnsGenericTask, awaitExpressionBody: false);
        }

        if (returnsTask || returnsGenericTask)
        {
            // () => FooAsync(x): the slot must be held until the returned task ends, so await it.
            if (!allowTaskUnwrap || syntax.ExpressionBody is null)
            {
                return null;
            }

            return new WorkRewrite(makeAsync: true, returnsValue: returnsGenericTask, awaitExpressionBody: true);
        }

        if (!symbol.ReturnsVoid && IsAwaitable(symbol.ReturnType))
        {
            return null; // ValueTask and custom awaitables
        }

        if (gateInside && (!allowTaskUnwrap || HasCodeThatCannotBeAsync(model, syntax)))
        {
            return null;
        }

        return new WorkRewrite(makeAsync: gateInside, returnsValue: !symbol.ReturnsVoid, awaitExpressionBody: false);
    }

    public AnonymousFunctionExpressionSyntax Apply(AnonymousFunctionExpressionSyntax lambda, string throttleName, string? waitCallInside)
    {
        var body = lambda.Block is { } original ? FixSyntax.AsMultiLine(original) : FixSyntax.MultiLineBlock(BodyStatement(lambda.ExpressionBody!));
        var release = ExpressionStatement(ParseExpression(throttleName + ".Release()"));
        var guarded = TryStatement(body, default, FinallyClause(FixSyntax.MultiLineBlock(release)));
        var block = (waitCallInside is null
                ? FixSyntax.MultiLineBlock(guarded)
                : FixSyntax.MultiLineBlock(ExpressionStatement(AwaitExpression(ParseExpression(waitCallInside))), guarded))
            .WithAdditionalAnnotations(Formatter.Annotation);
        var arrow = lambda switch
        {
            ParenthesizedLambdaExpressionSyntax p => p.ArrowToken,
            SimpleLambdaExpressionSyntax simpleLambda => simpleLambda.ArrowToken,
            _ => default,
        };
        var rewritten = lambda.WithBlock(block).WithExpressionBody(null);
        if (HasComment(arrow.TrailingTrivia))
        {
            // The comment stays after the arrow; the body keeps its own line and indentation.
            rewritten = rewritten.WithBlock(block.WithLeadingTrivia(lambda.Body.GetLeadingTrivia()));
        }
        else if (rewritten is ParenthesizedLambdaExpressionSyntax parenthesized)
        {
            rewritten = parenthesized.WithArrowToken(parenthesized.ArrowToken.WithTrailingTrivia(ElasticSpace));
        }
        else if (rewritten is SimpleLambdaExpressionSyntax simple)
        {
            rewritten = simple.WithArrowToken(simple.ArrowToken.WithTrailingTrivia(ElasticSpace));
        }

        if (_makeAsync && !lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
        {
            rewritten = rewritten.WithAsyncKeyword(Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(Space))
                .WithLeadingTrivia(lambda.GetLeadingTrivia());
        }

        return rewritten.WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>A comment after <c>=&gt;</c> stays where it is; only layout trivia is replaced.</summary>
    private static bool HasComment(SyntaxTriviaList trivia) =>
        trivia.Any(SyntaxKind.SingleLineCommentTrivia) || trivia.Any(SyntaxKind.MultiLineCommentTrivia);

    private StatementSyntax BodyStatement(ExpressionSyntax expression)
    {
        expression = expression.WithoutTrivia();
        if (expression is ThrowExpressionSyntax thrown)
        {
            return ThrowStatement(thrown.Expression);
        }

        if (_awaitExpressionBody)
        {
            expression = AwaitExpression(expression);
        }

        return _returnsValue ? ReturnStatement(expression) : ExpressionStatement(expression);
    }

    private static bool IsAwaitable(ITypeSymbol type)
    {
        foreach (var member in type.GetMembers("GetAwaiter"))
        {
            if (member is IMethodSymbol { Parameters.Length: 0 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Ref-like locals, stackalloc, pointers and unsafe code cannot live in an async lambda.</summary>
    private static bool HasCodeThatCannotBeAsync(SemanticModel model, AnonymousFunctionExpressionSyntax lambda)
    {
        foreach (var node in lambda.Body.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case StackAllocArrayCreationExpressionSyntax:
                case PointerTypeSyntax:
                case RefTypeSyntax:
                case UnsafeStatementSyntax:
                case FixedStatementSyntax:
                case YieldStatementSyntax:
                    return true;
                case VariableDeclarationSyntax declaration when model.GetTypeInfo(declaration.Type).Type is { IsRefLikeType: true }:
                    return true;
            }
        }

        return false;
    }
}
