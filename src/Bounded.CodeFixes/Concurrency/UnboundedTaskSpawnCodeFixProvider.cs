using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>BND1001: limit the per-item work with a SemaphoreSlim.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedTaskSpawnCodeFixProvider)), Shared]
public sealed class UnboundedTaskSpawnCodeFixProvider : BoundedCodeFixProvider
{
    public const string SemaphoreKey = "Bounded." + RuleIds.UnboundedTaskSpawn + ".SemaphoreSlim";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UnboundedTaskSpawn);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocationSyntax
            || context.Model.GetOperation(invocationSyntax, context.CancellationToken) is not IInvocationOperation invocation)
        {
            return;
        }

        var types = WellKnownTypes.From(context.Model.Compilation);
        if (types.SemaphoreSlim is null
            || !UnboundedTaskSpawnAnalyzer.TrySpawnKind(invocation, types, out var spawnName, out var work)
            || work.AsLambda() is not { } lambda
            || lambda.Syntax is not AnonymousFunctionExpressionSyntax lambdaSyntax)
        {
            return;
        }

        var repetition = Repetition.Find(invocation, types);
        if (!repetition.Exists)
        {
            return;
        }

        if (repetition.Loop is { } loop)
        {
            PlanForLoop(context, invocation, spawnName, lambda, lambdaSyntax, loop, fixes);
        }
        else if (repetition.PerElementCall is { } call && spawnName == "Task.Run")
        {
            PlanForElements(context, invocation, lambda, lambdaSyntax, call, fixes);
        }
    }

    /// <summary>
    /// In an async function the loop waits for a slot before it spawns, so at most N tasks exist; the task releases
    /// the slot in <c>finally</c>. In a sync function a Task.Run lambda becomes async and waits inside the task.
    /// </summary>
    private static void PlanForLoop(FixContext context, IInvocationOperation invocation, string spawnName, IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax lambdaSyntax, ILoopOperation loop, List<PlannedFix> fixes)
    {
        if (loop.Syntax is not StatementSyntax loopStatement || loopStatement.Parent is not BlockSyntax)
        {
            return;
        }

        var gateBefore = FixSyntax.CanAwaitAt(loopStatement) ? FixSyntax.StatementInBlock(invocation.Syntax, loopStatement) : null;
        var gateInside = gateBefore is null && spawnName == "Task.Run";
        if (gateBefore is null && !gateInside)
        {
            return;
        }

        var rewrite = WorkRewrite.Analyze(context.Model, lambda, lambdaSyntax, gateInside, allowTaskUnwrap: spawnName != "Task.Factory.StartNew");
        if (rewrite is null)
        {
            return;
        }

        var disposeAtEnd = FixSyntax.SupportsUsingDeclarations(loopStatement) && IsObservedAfter(invocation, loopStatement);
        AddFix(context, loopStatement, gateBefore, lambdaSyntax, rewrite, disposeAtEnd, fixes);
    }

    /// <summary><c>source.Select(x => Task.Run(...))</c>: each task waits for a slot inside itself.</summary>
    private static void PlanForElements(FixContext context, IInvocationOperation invocation, IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax lambdaSyntax, IInvocationOperation perElementCall, List<PlannedFix> fixes)
    {
        if (FixSyntax.StatementInBlock(perElementCall.Syntax) is not { } statement)
        {
            return;
        }

        var rewrite = WorkRewrite.Analyze(context.Model, lambda, lambdaSyntax, gateInside: true, allowTaskUnwrap: true);
        if (rewrite is null)
        {
            return;
        }

        var disposeAtEnd = FixSyntax.SupportsUsingDeclarations(statement) && AwaitsAll(statement);
        AddFix(context, statement, gateBefore: null, lambdaSyntax, rewrite, disposeAtEnd, fixes);
    }

    private static void AddFix(FixContext context, StatementSyntax anchor, StatementSyntax? gateBefore, AnonymousFunctionExpressionSyntax lambdaSyntax, WorkRewrite rewrite, bool disposeAtEnd, List<PlannedFix> fixes)
    {
        var limitName = context.Names.Allocate(anchor, "maxConcurrency");
        var throttleName = context.Names.Allocate(anchor, "throttle");
        var token = FixSyntax.TokenInScope(context.Model, gateBefore ?? (SyntaxNode)lambdaSyntax, context.CancellationToken);
        var limit = ConcurrencyLimit.Expression(context.Document, anchor.SyntaxTree, RuleIds.UnboundedTaskSpawn);
        var waitCall = throttleName + ".WaitAsync(" + token + ")";

        fixes.Add(new PlannedFix(
            "Limit concurrency with SemaphoreSlim",
            SemaphoreKey,
            editor =>
            {
                editor.InsertBefore(anchor, ConcurrencyLimit.Declarations(limitName, limit, throttleName, disposeAtEnd, anchor));
                if (gateBefore is not null)
                {
                    editor.InsertBefore(gateBefore, FixSyntax.Statement("await " + waitCall + ";").WithLeadingTrivia(gateBefore.GetLeadingTrivia()));
                }

                editor.ReplaceNode(lambdaSyntax, (current, _) => rewrite.Apply((AnonymousFunctionExpressionSyntax)current, throttleName, gateBefore is null ? waitCall : null));
            }));
    }

    /// <summary>The tasks are collected into a local that a statement after the loop awaits or waits for.</summary>
    private static bool IsObservedAfter(IInvocationOperation spawn, StatementSyntax loopStatement)
    {
        if (SpawnSites.StoredInto(spawn) is not { } holder || loopStatement.Parent is not BlockSyntax block)
        {
            return false;
        }

        var index = block.Statements.IndexOf(loopStatement);
        for (var i = index + 1; i < block.Statements.Count; i++)
        {
            if (AwaitsAll(block.Statements[i]) && Mentions(block.Statements[i], holder.Name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>await Task.WhenAll(…)</c> or <c>Task.WaitAll(…)</c> as the statement's outermost work.</summary>
    private static bool AwaitsAll(StatementSyntax statement)
    {
        foreach (var node in statement.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax))
        {
            if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } } call
                && (name == "WaitAll" || (name == "WhenAll" && call.Parent is AwaitExpressionSyntax or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" })))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Mentions(SyntaxNode node, string name)
    {
        foreach (var identifier in node.DescendantNodes())
        {
            if (identifier is IdentifierNameSyntax id && id.Identifier.ValueText == name)
            {
                return true;
            }
        }

        return false;
    }
}
