using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>BND1001 and BND1003: limit the per-item work (tasks, work items, threads) with a SemaphoreSlim.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedTaskSpawnCodeFixProvider)), Shared]
public sealed class UnboundedTaskSpawnCodeFixProvider : BoundedCodeFixProvider
{
    public const string SemaphoreKey = "Bounded." + RuleIds.UnboundedTaskSpawn;
    public const string ThreadSemaphoreKey = "Bounded." + RuleIds.ThreadPerItem;
    public const string ParallelForEachAsyncKey = "Bounded." + RuleIds.UnboundedTaskSpawn + ".ParallelForEachAsync";
    public const string BoundedChannelKey = "Bounded." + RuleIds.UnboundedTaskSpawn + ".BoundedChannel";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UnboundedTaskSpawn, RuleIds.ThreadPerItem);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        if (types.SemaphoreSlim is null
            || (diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var siteKind) && siteKind == UnboundedTaskSpawnAnalyzer.OneCallDeepKind)
            || !TryResolveSpawn(diagnostic, context, types, out var spawn, out var kind, out var work))
        {
            return;
        }

        if (kind == WorkStartKind.None)
        {
            PlanDroppedCall(context, spawn, types, fixes);
            return;
        }

        if (work.AsLambda() is not { } lambda
            || lambda.Syntax is not AnonymousFunctionExpressionSyntax lambdaSyntax)
        {
            return;
        }

        if (diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var reportedKind) && reportedKind == UnboundedTaskSpawnAnalyzer.EarlyReleaseKind)
        {
            if (kind == WorkStartKind.TaskRun && diagnostic.AdditionalLocations.Count == 1)
            {
                PlanReleaseInTheWork(context, spawn, lambda, lambdaSyntax, diagnostic.AdditionalLocations[0], fixes);
            }

            return; // another throttle would not help: the gate is there, it is released too soon
        }

        var repetition = Repetition.Find(spawn, types);
        var key = diagnostic.Id == RuleIds.ThreadPerItem ? ThreadSemaphoreKey : SemaphoreKey;
        diagnostic.Properties.TryGetValue(DiagnosticProperties.Repetition, out var repeatedBy);
        if (repeatedBy == DiagnosticProperties.LoopRepetition && repetition.Loop is { } loop)
        {
            PlanForLoop(context, spawn, kind, lambda, lambdaSyntax, loop, key, dedicatedThread: diagnostic.Id == RuleIds.ThreadPerItem, fixes);
            if (diagnostic.Id == RuleIds.UnboundedTaskSpawn && kind == WorkStartKind.TaskRun)
            {
                PlanLoopRewrites(context, spawn, lambda, lambdaSyntax, loop, fixes);
            }
        }
        else if (repeatedBy == DiagnosticProperties.ElementRepetition && repetition.PerElementCall is { } call && kind == WorkStartKind.TaskRun)
        {
            PlanForElements(context, lambda, lambdaSyntax, call, key, fixes);
        }
    }

    /// <summary>
    /// An async call dropped per item of a <c>foreach</c> (<c>_ = endpoint.SendAsync(x);</c>): the bounded channel worker
    /// pool awaits the call in a fixed number of workers, as it does for a discarded <c>Task.Run</c>.
    /// </summary>
    private static void PlanDroppedCall(FixContext context, IOperation spawn, KnownSymbols types, List<PlannedFix> fixes)
    {
        if (spawn.Syntax is not InvocationExpressionSyntax call
            || Repetition.Find(spawn, types).Loop is not { } loop
            || PerItemLoop.Match(context.Model, call, loop.Syntax) is not { Discarded: true } shape)
        {
            return;
        }

        var work = new List<StatementSyntax> { PerItemLoop.AsStatement(call.WithoutTrivia(), await: true) };
        if (LoopRewrites.BoundedChannel(context, shape, work, RuleIds.UnboundedTaskSpawn, BoundedChannelKey) is { } channel)
        {
            fixes.Add(channel);
        }
    }

    /// <summary>
    /// A gate released as soon as the work is started: the release moves into the work's <c>finally</c>. Only where
    /// nothing but the spawn can leave the slot taken: the release is the only statement of the <c>finally</c> of a
    /// <c>try</c> whose body is the spawn statement alone (the <c>try</c> goes), or the statement right after the spawn
    /// statement in the same block (it goes).
    /// </summary>
    private static void PlanReleaseInTheWork(FixContext context, IOperation spawn, IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax lambdaSyntax, Location releaseLocation, List<PlannedFix> fixes)
    {
        if (context.Root.FindNode(releaseLocation.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Expression: MemberAccessExpressionSyntax { Expression: var gate }, Parent: ExpressionStatementSyntax releaseStatement }
            || FixSyntax.StatementInBlock(spawn.Syntax) is not { } spawnStatement
            || spawnStatement.Parent is not BlockSyntax block
            || WorkRewrite.Analyze(context.Model, lambda, lambdaSyntax, gateInside: false, allowTaskUnwrap: true) is not { } rewrite)
        {
            return;
        }

        SyntaxNode removed;
        if (releaseStatement.Parent is BlockSyntax { Statements.Count: 1, Parent: FinallyClauseSyntax { Parent: TryStatementSyntax { Catches.Count: 0, Parent: BlockSyntax } tryStatement } }
            && tryStatement.Block == block && block.Statements.Count == 1)
        {
            removed = tryStatement;
        }
        else if (releaseStatement.Parent == block && block.Statements.IndexOf(releaseStatement) == block.Statements.IndexOf(spawnStatement) + 1)
        {
            removed = releaseStatement;
        }
        else
        {
            return;
        }

        var gateText = gate.WithoutTrivia().ToString();
        fixes.Add(new PlannedFix(
            "Release the slot when the work ends",
            SemaphoreKey,
            editor =>
            {
                editor.ReplaceNode(lambdaSyntax, (current, _) => rewrite.Apply((AnonymousFunctionExpressionSyntax)current, gateText, waitCallInside: null));
                if (removed is TryStatementSyntax tryStatement)
                {
                    editor.ReplaceNode(tryStatement, (current, _) => ((TryStatementSyntax)current).Block.Statements[0].WithTriviaFrom(current).Formatted());
                }
                else
                {
                    editor.RemoveNode(removed);
                }
            }));
    }

    /// <summary>Parallel.ForEachAsync for collected-and-awaited work, a bounded channel for fire-and-forget work.</summary>
    private static void PlanLoopRewrites(FixContext context, IOperation spawn, IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax lambdaSyntax, ILoopOperation loop, List<PlannedFix> fixes)
    {
        if (spawn is not IInvocationOperation invocation
            || !OnlyWorkOrScopeToken(invocation, context)
            || PerItemLoop.Match(context.Model, spawn.Syntax, loop.Syntax) is not { } shape
            || PerItemLoop.WorkStatements(lambda.Symbol, lambdaSyntax, context.Model) is not { } work)
        {
            return;
        }

        if (LoopRewrites.ParallelForEachAsync(context, shape, work, RuleIds.UnboundedTaskSpawn, ParallelForEachAsyncKey) is { } parallel)
        {
            fixes.Add(parallel);
        }

        if (LoopRewrites.BoundedChannel(context, shape, work, RuleIds.UnboundedTaskSpawn, BoundedChannelKey) is { } channel)
        {
            fixes.Add(channel);
        }
    }

    /// <summary><c>Task.Run(work)</c>, or <c>Task.Run(work, token)</c> with the token the rewrite passes on anyway.</summary>
    private static bool OnlyWorkOrScopeToken(IInvocationOperation invocation, FixContext context)
    {
        if (invocation.Arguments.Length == 1)
        {
            return true;
        }

        return invocation.Arguments.Length == 2
            && invocation.Arguments[1].Value.Syntax is IdentifierNameSyntax token
            && token.Identifier.ValueText == FixSyntax.TokenInScope(context.Model, invocation.Syntax, context.CancellationToken);
    }

    /// <summary>The operation that starts the work, and its kind and work delegate as the analyzer recognised them.</summary>
    private static bool TryResolveSpawn(Diagnostic diagnostic, FixContext context, KnownSymbols types, out IOperation spawn, out WorkStartKind kind, out IOperation? work)
    {
        spawn = null!;
        kind = default;
        work = null;
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.WorkStart, out var reported)
            || node.FirstAncestorOrSelf<SyntaxNode>(n => n is InvocationExpressionSyntax or ObjectCreationExpressionSyntax) is not { } syntax
            || context.Model.GetOperation(syntax, context.CancellationToken) is not { } operation)
        {
            return false;
        }

        var start = WorkStarts.Recognize(operation, types);
        if (start.Kind.ToString() != reported)
        {
            return false; // the code changed since the diagnostic was computed
        }

        spawn = operation;
        kind = start.Kind;
        work = start.Work;
        return true;
    }

    /// <summary>
    /// In an async function the loop waits for a slot before it spawns, so at most N tasks exist; the task releases
    /// the slot in <c>finally</c>. In a sync function a Task.Run lambda becomes async and waits inside the task; a
    /// dedicated thread cannot wait asynchronously, so there the loop blocks on <c>throttle.Wait()</c> before it starts
    /// one (the synchronous form of the same backpressure; the threads need no pool thread to finish). A plain
    /// <c>Task.Factory.StartNew(work)</c> gets the async lambda too, unwrapped (<see cref="CanGateStartNewInside"/>).
    /// Other pool work in a sync function (<c>QueueUserWorkItem</c>) gets no gate: its callback cannot await, and a
    /// pool thread blocked on pool work can starve the pool.
    /// </summary>
    private static void PlanForLoop(FixContext context, IOperation spawn, WorkStartKind kind, IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax lambdaSyntax, ILoopOperation loop, string key, bool dedicatedThread, List<PlannedFix> fixes)
    {
        if (loop.Syntax is not StatementSyntax loopStatement || loopStatement.Parent is not BlockSyntax)
        {
            return;
        }

        var spawnStatement = FixSyntax.StatementInBlock(spawn.Syntax, loopStatement);
        var canAwait = FixSyntax.CanAwaitAt(loopStatement);
        var unwrap = !canAwait && kind == WorkStartKind.StartNew && CanGateStartNewInside(spawn, lambda, context);
        var gateInside = !canAwait && (kind == WorkStartKind.TaskRun || unwrap);
        // Never inside a lock: the loop would hold it while it waits for a slot.
        var blocking = !canAwait && !gateInside && dedicatedThread && !OperationHelpers.IsInsideOwn<LockStatementSyntax>(loopStatement);
        if (!gateInside && (spawnStatement is null || !canAwait && !blocking))
        {
            return;
        }

        var rewrite = WorkRewrite.Analyze(context.Model, lambda, lambdaSyntax, gateInside, allowTaskUnwrap: kind == WorkStartKind.TaskRun || unwrap);
        if (rewrite is null)
        {
            return;
        }

        AddFix(context, DeclarationSite.Before(loopStatement), gateInside ? null : spawnStatement, lambdaSyntax, rewrite, key, fixes, blocking, unwrap ? spawn.Syntax : null);
    }

    /// <summary>
    /// <c>Task.Factory.StartNew(work)</c> in a sync function becomes <c>Task.Factory.StartNew(async () =&gt; { await
    /// throttle.WaitAsync(); … }).Unwrap()</c>: still started on the same scheduler, and for synchronous work the same
    /// <c>Task</c>/<c>Task&lt;T&gt;</c> with the same result and exception. Work that returns a task was a
    /// <c>Task&lt;Task&gt;</c> that completed when the work was merely started, so that form is rewritten only where
    /// the task is discarded. Only the one-argument overload of <c>Task.Factory</c>: creation options, a scheduler or
    /// another factory may start a dedicated thread or use settings the async form would not keep.
    /// </summary>
    private static bool CanGateStartNewInside(IOperation spawn, IAnonymousFunctionOperation lambda, FixContext context)
    {
        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        if (spawn is not IInvocationOperation { Arguments.Length: 1, Instance: IPropertyReferenceOperation { Property: { IsStatic: true, Name: "Factory" } factory } }
            || !SymbolEqualityComparer.Default.Equals(factory.ContainingType, types.Task)
            || types.Task is null
            || types.GenericTask is null)
        {
            return false;
        }

        var returnsTask = lambda.Symbol.ReturnType.IsType(types.Task) || lambda.Symbol.ReturnType.IsType(types.GenericTask);
        if (returnsTask && !IsDiscarded(spawn))
        {
            return false;
        }

        var nested = types.GenericTask.Construct(types.Task);
        return !context.Model.LookupSymbols(spawn.Syntax.SpanStart, nested, "Unwrap", includeReducedExtensionMethods: true).IsEmpty;
    }

    /// <summary><c>StartNew(…);</c> or <c>_ = StartNew(…);</c>.</summary>
    private static bool IsDiscarded(IOperation spawn) =>
        spawn.Parent is IExpressionStatementOperation
        || spawn.Parent is ISimpleAssignmentOperation { Target: IDiscardOperation, Parent: IExpressionStatementOperation } assignment && ReferenceEquals(assignment.Value, spawn);

    /// <summary><c>source.Select(x => Task.Run(...))</c>: each task waits for a slot inside itself.</summary>
    private static void PlanForElements(FixContext context, IAnonymousFunctionOperation lambda, AnonymousFunctionExpressionSyntax lambdaSyntax, IInvocationOperation perElementCall, string key, List<PlannedFix> fixes)
    {
        if (DeclarationSite.Find(perElementCall.Syntax, context.Model, context.CancellationToken) is not { } site)
        {
            return;
        }

        var rewrite = WorkRewrite.Analyze(context.Model, lambda, lambdaSyntax, gateInside: true, allowTaskUnwrap: true);
        if (rewrite is null)
        {
            return;
        }

        AddFix(context, site, gateBefore: null, lambdaSyntax, rewrite, key, fixes);
    }

    private static void AddFix(FixContext context, DeclarationSite site, StatementSyntax? gateBefore, AnonymousFunctionExpressionSyntax lambdaSyntax, WorkRewrite rewrite, string key, List<PlannedFix> fixes, bool blocking = false, SyntaxNode? unwrap = null)
    {
        fixes.Add(new PlannedFix(
            "Limit concurrency with SemaphoreSlim",
            key,
            () =>
            {
                var anchor = site.Anchor;
                var limitName = context.Names.Allocate(anchor, "maxConcurrency");
                var throttleName = context.Names.Allocate(anchor, "throttle");
                var token = FixSyntax.TokenInScope(context.Model, gateBefore ?? (SyntaxNode)lambdaSyntax, context.CancellationToken);
                var limit = ConcurrencyLimit.Expression(context.Document, anchor.SyntaxTree, RuleIds.UnboundedTaskSpawn, ConcurrencyLimit.IsAsynchronous(lambdaSyntax, context.Model, context.CancellationToken));
                var waitCall = throttleName + ".WaitAsync(" + token + ")";
                return editor =>
                {
                    if (gateBefore is not null)
                    {
                        var gate = blocking ? throttleName + ".Wait(" + token + ");" : "await " + waitCall + ";";
                        editor.InsertBefore(gateBefore, FixSyntax.Statement(gate).WithLeadingTrivia(gateBefore.GetLeadingTrivia()));
                    }

                    editor.ReplaceNode(lambdaSyntax, (current, _) => rewrite.Apply((AnonymousFunctionExpressionSyntax)current, throttleName, gateBefore is null ? waitCall : null));
                    if (unwrap is not null)
                    {
                        editor.ReplaceNode(unwrap, (current, _) => SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(
                            SyntaxKind.SimpleMemberAccessExpression, ((ExpressionSyntax)current).WithoutTrailingTrivia(), SyntaxFactory.IdentifierName("Unwrap")))
                            .WithTrailingTrivia(current.GetTrailingTrivia()));
                    }
                    site.InsertBefore(editor, ConcurrencyLimit.Declarations(limitName, limit, throttleName));
                };
            }));
    }
}
