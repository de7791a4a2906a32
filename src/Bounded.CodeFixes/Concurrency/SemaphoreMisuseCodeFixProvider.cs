using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>BND1004: wait before the try; release in finally; a timed wait whose result was ignored throws when it times out.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SemaphoreMisuseCodeFixProvider)), Shared]
public sealed class SemaphoreMisuseCodeFixProvider : BoundedCodeFixProvider
{
    /// <summary>Each site allows one of the two rewrites (wait before the try, release in finally): one key for both.</summary>
    public const string FixKey = "Bounded." + RuleIds.SemaphoreMisuse;

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.SemaphoreMisuse);

    /// <summary>
    /// The statements that move before the try: the wait, and before it only assignments of the local it waits on
    /// (<c>gate = PickGate(key);</c>), which the wait needs. Null when anything else precedes the wait.
    /// </summary>
    private static List<StatementSyntax>? PickedBeforeTheWait(BlockSyntax tryBlock, ExpressionStatementSyntax waitStatement, InvocationExpressionSyntax wait)
    {
        var index = tryBlock.Statements.IndexOf(waitStatement);
        var semaphore = wait.Expression is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax name } ? name.Identifier.ValueText : null;
        var moved = new List<StatementSyntax>(index + 1);
        for (var i = 0; i < index; i++)
        {
            if (semaphore is null
                || tryBlock.Statements[i] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax target } assignment }
                || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                || target.Identifier.ValueText != semaphore)
            {
                return null;
            }

            moved.Add(tryBlock.Statements[i]);
        }

        moved.Add(waitStatement);
        return moved;
    }

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var kind)
            || context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } wait
            || FixSyntax.StatementInBlock(wait) is not ExpressionStatementSyntax waitStatement
            || !IsWholeStatement(waitStatement, wait))
        {
            return;
        }

        switch (kind)
        {
            case SemaphoreMisuseAnalyzer.WaitInsideTry:
                if (waitStatement.Parent is BlockSyntax { Parent: TryStatementSyntax { Finally: not null, Catches.Count: 0, Parent: BlockSyntax } tryStatement } tryBlock
                    && PickedBeforeTheWait(tryBlock, waitStatement, wait) is { } moved)
                {
                    fixes.Add(new PlannedFix(
                        "Wait before the try",
                        FixKey,
                        editor =>
                        {
                            foreach (var statement in moved)
                            {
                                editor.RemoveNode(statement);
                            }

                            foreach (var statement in moved)
                            {
                                editor.InsertBefore(tryStatement, statement.WithLeadingTrivia(tryStatement.GetLeadingTrivia()).Formatted());
                            }
                        }));
                }

                break;
            case SemaphoreMisuseAnalyzer.ReleaseNotInFinally:
            case SemaphoreMisuseAnalyzer.NotReleasedOnEveryPath:
                if (diagnostic.AdditionalLocations.Count == 1
                    && context.Root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is InvocationExpressionSyntax { Parent: ExpressionStatementSyntax release }
                    && TryFinallyWrap.TryPlan(waitStatement, release, context.Model, context.CancellationToken) is { } wrap)
                {
                    fixes.Add(new PlannedFix(
                        "Release in a finally block",
                        FixKey,
                        editor => TryFinallyWrap.Apply(editor, wrap, newRelease: null)));
                }

                break;
            case SemaphoreMisuseAnalyzer.TimeoutIgnored:
                // Inside a try the thrown timeout would reach a catch or finally that may release the slot anyway.
                if (!OperationHelpers.IsInsideOwn<TryStatementSyntax>(waitStatement))
                {
                    fixes.Add(new PlannedFix(
                        "Throw TimeoutException when the wait times out",
                        FixKey,
                        editor => editor.ReplaceNode(waitStatement, (current, _) => ThrowOnTimeout((ExpressionStatementSyntax)current, BlankLineAfter(waitStatement)))));
                }

                break;
        }
    }

    /// <summary>
    /// <c>gate.Wait(timeout);</c> becomes <c>if (!gate.Wait(timeout)) { throw new TimeoutException(); }</c>: the code
    /// after it no longer runs, and releases, without the slot. Same for <c>await gate.WaitAsync(timeout)</c>.
    /// </summary>
    private static StatementSyntax ThrowOnTimeout(ExpressionStatementSyntax wait, bool blankLineAfter)
    {
        var timeout = FixSyntax.StatementWithImports("throw new global::System.TimeoutException();");
        return SyntaxFactory.IfStatement(
                SyntaxFactory.PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, wait.Expression.WithoutTrivia()),
                FixSyntax.MultiLineBlock(timeout))
            .WithLeadingTrivia(wait.GetLeadingTrivia())
            .WithTrailingTrivia(blankLineAfter ? wait.GetTrailingTrivia().Add(SyntaxFactory.ElasticCarriageReturnLineFeed) : wait.GetTrailingTrivia())
            .Formatted();
    }

    /// <summary>A statement follows the new block and is not already separated from it by a blank line.</summary>
    private static bool BlankLineAfter(StatementSyntax statement) =>
        statement.Parent is BlockSyntax block
        && block.Statements.IndexOf(statement) is var index && index + 1 < block.Statements.Count
        && !block.Statements[index + 1].GetLeadingTrivia().Any(SyntaxKind.EndOfLineTrivia);

    /// <summary><c>await gate.WaitAsync(…);</c>, with or without ConfigureAwait, or <c>gate.Wait();</c>.</summary>
    private static bool IsWholeStatement(ExpressionStatementSyntax statement, InvocationExpressionSyntax wait)
    {
        ExpressionSyntax expression = statement.Expression;
        if (expression is AwaitExpressionSyntax await)
        {
            expression = await.Expression;
        }

        if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: InvocationExpressionSyntax inner } })
        {
            expression = inner;
        }

        return expression == wait;
    }
}
