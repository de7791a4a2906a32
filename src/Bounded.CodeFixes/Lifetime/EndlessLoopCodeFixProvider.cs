using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Bounded.Analyzers;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Lifetime;

/// <summary>
/// BND2002: make the loop observe the token in scope and pass it to the calls the loop awaits. <c>while (true)</c>
/// becomes <c>while (!token.IsCancellationRequested)</c> where the function may end there; a loop on a field gets
/// <c>&amp;&amp; !token.IsCancellationRequested</c>; otherwise the body starts with <c>token.ThrowIfCancellationRequested()</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(EndlessLoopCodeFixProvider)), Shared]
public sealed class EndlessLoopCodeFixProvider : BoundedCodeFixProvider
{
    /// <summary>The fix when exactly one token is in scope; with several, each gets this key plus the token's name.</summary>
    public const string ObserveTokenKey = "Bounded." + RuleIds.LoopIgnoresCancellation;

    /// <summary>No token in scope: the enclosing method gets a <c>CancellationToken</c> parameter the loop observes.</summary>
    public const string AddParameterKey = "Bounded." + RuleIds.LoopIgnoresCancellation + ".AddParameter";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.LoopIgnoresCancellation);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var keyword = context.Root.FindToken(diagnostic.Location.SourceSpan.Start);
        if (keyword.Parent is not (WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax) || keyword.Parent is not StatementSyntax loopSyntax
            || context.Model.GetOperation(loopSyntax, context.CancellationToken) is not ILoopOperation loop)
        {
            return;
        }

        var candidates = TokenDiscovery.Find(context.Model, loopSyntax, context.CancellationToken);
        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        var slots = new List<TokenSlot>();
        TokenForwarding.CollectCalls(loop.Body, types, awaitedOnly: true, slots);
        slots.RemoveAll(slot => InNestedEndlessLoop(slot.Call, loopSyntax, context));
        TokenForwarding.KeepThoseEveryTargetHas(slots, context.Targets);
        var condition = ConditionToExtend(loopSyntax, out var endless);
        var useCondition = condition is not null && (!endless || FunctionMayEndAfter(loopSyntax, context));

        void Observe(Microsoft.CodeAnalysis.Editing.SyntaxEditor editor, string token)
        {
            if (useCondition)
            {
                ObserveInCondition(editor, condition!, endless, token);
            }
            else
            {
                ThrowAtTop(editor, loopSyntax, token);
            }

            foreach (var slot in slots)
            {
                TokenForwarding.Apply(editor, slot, token);
            }
        }

        if (candidates.IsEmpty)
        {
            // No token anywhere: the method gets one (a signature change, offered one site at a time).
            if (NewTokenParameter.TryPlan(context, loopSyntax, symbol => "Add a CancellationToken parameter to '" + symbol.Name + "' and observe it", AddParameterKey, Observe) is { } fix)
            {
                fixes.Add(fix);
            }

            return;
        }

        TokenForwarding.AddPerCandidate(candidates, ObserveTokenKey, token => "Observe '" + token + "' in the loop", Observe, fixes);
    }

    /// <summary>Calls inside a nested endless loop belong to that loop's own diagnostic and fix.</summary>
    private static bool InNestedEndlessLoop(SyntaxNode call, StatementSyntax loop, FixContext context)
    {
        for (var current = call.Parent; current is not null && current != loop; current = current.Parent)
        {
            if (current is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax
                && context.Model.GetOperation(current, context.CancellationToken) is ILoopOperation nested
                && EndlessLoops.HasNoExitCondition(nested))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>while</c>/<c>do</c> condition; <paramref name="endless"/> when it is the constant <c>true</c>.</summary>
    private static ExpressionSyntax? ConditionToExtend(StatementSyntax loop, out bool endless)
    {
        var condition = loop switch
        {
            WhileStatementSyntax w => w.Condition,
            DoStatementSyntax d => d.Condition,
            _ => null,
        };
        endless = condition.IsKind(SyntaxKind.TrueLiteralExpression);
        return condition;
    }

    private static void ObserveInCondition(SyntaxEditor editor, ExpressionSyntax condition, bool endless, string token)
    {
        var notCancelled = "!" + token + ".IsCancellationRequested";
        editor.ReplaceNode(condition, (current, _) =>
            SyntaxFactory.ParseExpression(endless ? notCancelled : current.WithoutTrivia().ToString() + " && " + notCancelled).WithTriviaFrom(current));
    }

    private static void ThrowAtTop(SyntaxEditor editor, StatementSyntax loop, string token)
    {
        var body = loop switch
        {
            WhileStatementSyntax w => w.Statement,
            DoStatementSyntax d => d.Statement,
            ForStatementSyntax f => f.Statement,
            _ => null,
        };
        if (body is null)
        {
            return;
        }

        var check = FixSyntax.Statement(token + ".ThrowIfCancellationRequested();");
        editor.ReplaceNode(body, (current, _) => current is BlockSyntax block
            ? block.WithStatements(block.Statements.Insert(0, check))
            : FixSyntax.MultiLineBlock(check, (StatementSyntax)current.WithoutLeadingTrivia()).Formatted());
    }

    /// <summary>
    /// Whether leaving the loop normally ends the function the way it ended before: it returns nothing (void, Task,
    /// ValueTask; not an iterator) and the loop is its last statement. Otherwise the fix throws on cancellation instead.
    /// </summary>
    private static bool FunctionMayEndAfter(StatementSyntax loop, FixContext context)
    {
        if (loop.Parent is not BlockSyntax block || block.Statements.LastOrDefault() != loop)
        {
            return false;
        }

        var function = block.Parent;
        if (function is not (BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax))
        {
            return false;
        }

        var symbol = function is AnonymousFunctionExpressionSyntax
            ? context.Model.GetSymbolInfo(function, context.CancellationToken).Symbol as IMethodSymbol
            : context.Model.GetDeclaredSymbol(function, context.CancellationToken) as IMethodSymbol;
        if (symbol is null || function.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).Any(n => n is YieldStatementSyntax))
        {
            return false;
        }

        var returnType = symbol.ReturnType;
        if (returnType.SpecialType == SpecialType.System_Void)
        {
            return true;
        }

        return returnType is INamedTypeSymbol { IsGenericType: false, Name: "Task" or "ValueTask" } named
            && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks"
            && symbol.IsAsync;
    }
}
