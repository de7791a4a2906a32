using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>BND1002: limit async fan-out with a SemaphoreSlim.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedFanOutCodeFixProvider)), Shared]
public sealed class UnboundedFanOutCodeFixProvider : BoundedCodeFixProvider
{
    public const string SemaphoreKey = "Bounded." + RuleIds.UnboundedAsyncFanOut;
    public const string ParallelForEachAsyncKey = "Bounded." + RuleIds.UnboundedAsyncFanOut + ".ParallelForEachAsync";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UnboundedAsyncFanOut);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (KnownSymbols.GetOrCreate(context.Model.Compilation).SemaphoreSlim is null
            || node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocationSyntax
            || context.Model.GetOperation(invocationSyntax, context.CancellationToken) is not IInvocationOperation invocation)
        {
            return;
        }

        diagnostic.Properties.TryGetValue(DiagnosticProperties.Shape, out var shape);
        if (shape == UnboundedFanOutAnalyzer.SelectShape)
        {
            PlanForSelect(context, invocation, fixes);
        }
        else if (shape == UnboundedFanOutAnalyzer.LoopShape)
        {
            PlanForLoop(context, invocation, fixes);
            var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
            if (Repetition.Find(invocation, types).Loop is { } loop
                && PerItemLoop.Match(context.Model, invocation.Syntax, loop.Syntax) is { } perItem
                && invocation.Syntax is ExpressionSyntax call
                && LoopRewrites.ParallelForEachAsync(context, perItem, new List<StatementSyntax> { PerItemLoop.AsStatement(call.WithoutTrivia(), await: true) }, RuleIds.UnboundedAsyncFanOut, ParallelForEachAsyncKey) is { } parallel)
            {
                fixes.Add(parallel);
            }
        }
    }

    /// <summary><c>items.Select(x => FooAsync(x))</c>: each operation waits for a slot inside its own async lambda.</summary>
    private static void PlanForSelect(FixContext context, IInvocationOperation select, List<PlannedFix> fixes)
    {
        if (select.Arguments.Length != 2 || DeclarationSite.Find(select.Syntax, context.Model, context.CancellationToken) is not { } site)
        {
            return;
        }

        var anchor = site.Anchor;

        var selector = select.Arguments[1].Value;
        AnonymousFunctionExpressionSyntax? lambdaSyntax = null;
        WorkRewrite? rewrite = null;
        IMethodSymbol? methodGroup = null;
        ExpressionSyntax? methodGroupSyntax = null;
        if (selector.AsLambda() is { Syntax: AnonymousFunctionExpressionSyntax syntax } lambda)
        {
            lambdaSyntax = syntax;
            rewrite = WorkRewrite.Analyze(context.Model, lambda, syntax, gateInside: true, allowTaskUnwrap: true);
        }
        else if (selector.WithoutConversions() is IDelegateCreationOperation { Target: IMethodReferenceOperation reference }
            && reference.Method.Parameters.Length == 1
            && reference.Method.ReturnType is INamedTypeSymbol returned
            && returned.Name == "Task"
            && reference.Syntax is ExpressionSyntax referenceSyntax)
        {
            methodGroup = reference.Method;
            methodGroupSyntax = referenceSyntax;
        }

        if (rewrite is null && methodGroup is null)
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Limit concurrency with SemaphoreSlim",
            SemaphoreKey,
            () =>
            {
                var limitName = context.Names.Allocate(anchor, "maxConcurrency");
                var throttleName = context.Names.Allocate(anchor, "throttle");
                var itemName = methodGroup is null ? null : context.Names.Allocate(anchor, "item");
                var token = FixSyntax.TokenInScope(context.Model, select.Syntax, context.CancellationToken);
                var limit = ConcurrencyLimit.Expression(context.Document, anchor.SyntaxTree, RuleIds.UnboundedAsyncFanOut, ioBound: true);
                var waitCall = throttleName + ".WaitAsync(" + token + ")";
                var returnsValue = methodGroup is { ReturnType: INamedTypeSymbol { IsGenericType: true } };
                return editor => ThrottleSelect(editor, site, lambdaSyntax, rewrite, methodGroupSyntax, limitName, limit, throttleName, itemName, waitCall, returnsValue);
            }));
    }

    private static void ThrottleSelect(
        Microsoft.CodeAnalysis.Editing.SyntaxEditor editor,
        DeclarationSite site,
        AnonymousFunctionExpressionSyntax? lambdaSyntax,
        WorkRewrite? rewrite,
        ExpressionSyntax? methodGroupSyntax,
        string limitName,
        ExpressionSyntax limit,
        string throttleName,
        string? itemName,
        string waitCall,
        bool returnsValue)
    {
        if (lambdaSyntax is not null)
        {
            editor.ReplaceNode(lambdaSyntax, (current, _) => rewrite!.Apply((AnonymousFunctionExpressionSyntax)current, throttleName, waitCall));
        }
        else
        {
            editor.ReplaceNode(methodGroupSyntax!, (current, _) => ThrottledMethodGroup((ExpressionSyntax)current, itemName!, throttleName, waitCall, returnsValue));
        }

        site.InsertBefore(editor, ConcurrencyLimit.Declarations(limitName, limit, throttleName));
    }

    /// <summary><c>FooAsync</c> as a method group becomes <c>async item => { await wait; try { return await FooAsync(item); } finally { Release } }</c>.</summary>
    private static ExpressionSyntax ThrottledMethodGroup(ExpressionSyntax method, string itemName, string throttleName, string waitCall, bool returnsValue)
    {
        var call = AwaitExpression(InvocationExpression(method.WithoutTrivia(), ArgumentList(SingletonSeparatedList(Argument(IdentifierName(itemName))))));
        StatementSyntax work = returnsValue ? ReturnStatement(call) : ExpressionStatement(call);
        var body = FixSyntax.MultiLineBlock(
            ExpressionStatement(AwaitExpression(ParseExpression(waitCall))),
            TryStatement(FixSyntax.MultiLineBlock(work), default, FinallyClause(FixSyntax.MultiLineBlock(ExpressionStatement(ParseExpression(throttleName + ".Release()"))))));
        return SimpleLambdaExpression(Parameter(Identifier(itemName)))
            .WithAsyncKeyword(Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(Space))
            .WithArrowToken(Token(SyntaxKind.EqualsGreaterThanToken).WithLeadingTrivia(Space).WithTrailingTrivia(ElasticSpace))
            .WithBlock(body)
            .WithTriviaFrom(method)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>
    /// <c>tasks.Add(FooAsync(x))</c> in an async loop: wait for a slot before the call, and release it when the task ends
    /// through a local function declared next to the semaphore.
    /// </summary>
    private static void PlanForLoop(FixContext context, IInvocationOperation call, List<PlannedFix> fixes)
    {
        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        if (Repetition.Find(call, types).Loop is not { Syntax: StatementSyntax { Parent: BlockSyntax } loopStatement }
            || !FixSyntax.CanAwaitAt(loopStatement)
            || FixSyntax.StatementInBlock(call.Syntax, loopStatement) is not { } gate
            || IsInsideTry(gate, loopStatement)
            || call.Syntax is not InvocationExpressionSyntax callSyntax
            || call.TargetMethod.ReturnType is not INamedTypeSymbol { Name: "Task" } taskType
            || !types.IsTaskType(taskType))
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Limit concurrency with SemaphoreSlim",
            SemaphoreKey,
            () =>
            {
                var limitName = context.Names.Allocate(loopStatement, "maxConcurrency");
                var throttleName = context.Names.Allocate(loopStatement, "throttle");
                var helperName = context.Names.Allocate(loopStatement, "ReleaseWhenDoneAsync");
                var token = FixSyntax.TokenInScope(context.Model, gate, context.CancellationToken);
                var limit = ConcurrencyLimit.Expression(context.Document, loopStatement.SyntaxTree, RuleIds.UnboundedAsyncFanOut, ioBound: true);
                var taskText = taskType.ToMinimalDisplayString(context.Model, loopStatement.SpanStart);
                var returnsValue = taskType.IsGenericType;
                var helper = FixSyntax.Statement(
                    "async " + taskText + " " + helperName + "(" + taskText + " task)\n{\n    try\n    {\n        "
                    + (returnsValue ? "return await task;" : "await task;")
                    + "\n    }\n    finally\n    {\n        " + throttleName + ".Release();\n    }\n}\n")
                    .WithLeadingTrivia(loopStatement.GetLeadingTrivia());

                return editor =>
                    {
                        var declarations = ConcurrencyLimit.Declarations(limitName, limit, throttleName);
                        DeclarationSite.Before(loopStatement).InsertBefore(editor, new[] { declarations[0], declarations[1], helper });
                        editor.InsertBefore(gate, FixSyntax.Statement("await " + throttleName + ".WaitAsync(" + token + ");").WithLeadingTrivia(gate.GetLeadingTrivia()));
                        editor.ReplaceNode(callSyntax, (current, _) =>
                            InvocationExpression(IdentifierName(helperName), ArgumentList(SingletonSeparatedList(Argument(((ExpressionSyntax)current).WithoutTrivia()))))
                                .WithTriviaFrom(current));
                    };
            }));
    }

    /// <summary>A synchronous throw from the call must leave the loop, not be caught inside it with the slot still held.</summary>
    private static bool IsInsideTry(SyntaxNode node, SyntaxNode loop)
    {
        for (var current = node.Parent; current is not null && current != loop; current = current.Parent)
        {
            if (current is TryStatementSyntax { Catches.Count: > 0 })
            {
                return true;
            }
        }

        return false;
    }
}
