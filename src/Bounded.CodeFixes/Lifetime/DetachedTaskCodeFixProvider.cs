using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Lifetime;

/// <summary>
/// BND2001: pass the token in scope to the detached work (the Task.Run/StartNew/Task argument and the calls inside the
/// lambda that take one, or the discarded call itself); with no token in scope, add an optional token parameter.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DetachedTaskCodeFixProvider)), Shared]
public sealed class DetachedTaskCodeFixProvider : BoundedCodeFixProvider
{
    /// <summary>The fix when exactly one token is in scope; with several, each gets this key plus the token's name.</summary>
    public const string PassTokenKey = "Bounded." + RuleIds.DetachedTaskWithoutToken;

    /// <summary>No token in scope: add <c>CancellationToken cancellationToken = default</c> to the method (not in FixAll).</summary>
    public const string AddParameterKey = "Bounded." + RuleIds.DetachedTaskWithoutToken + ".AddParameter";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.DetachedTaskWithoutToken);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var reported)
            || !System.Enum.TryParse<DetachedKind>(reported, out var kind)
            || kind == DetachedKind.None
            || node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocationSyntax
            || context.Model.GetOperation(invocationSyntax, context.CancellationToken) is not IInvocationOperation call)
        {
            return;
        }

        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        var slots = new List<TokenSlot>();
        CollectSlots(kind, call, types, slots);
        TokenForwarding.KeepThoseEveryTargetHas(slots, context.Targets);
        if (slots.Count == 0)
        {
            return;
        }

        var longRunning = diagnostic.Properties.ContainsKey(DiagnosticProperties.LongRunning);
        var candidates = TokenDiscovery.ForWork(context.Model, call.Syntax, longRunning, context.CancellationToken);
        if (candidates.IsEmpty)
        {
            PlanNewParameter(context, call, slots, fixes);
            return;
        }

        TokenForwarding.AddPerCandidate(
            candidates,
            PassTokenKey,
            token => "Pass '" + token + "' to the detached work",
            (editor, token) =>
            {
                foreach (var slot in slots)
                {
                    TokenForwarding.Apply(editor, slot, token);
                }
            },
            fixes);
    }

    /// <summary>The start call's own token slot, plus (for a lambda) the calls inside it that take one.</summary>
    private static void CollectSlots(DetachedKind kind, IInvocationOperation call, KnownSymbols types, List<TokenSlot> slots)
    {
        if (kind == DetachedKind.Call)
        {
            if (TokenForwarding.SlotFor(call, types) is { } own)
            {
                slots.Add(own);
            }

            return;
        }

        IOperation starter = call;
        IOperation? work = null;
        if (kind == DetachedKind.Start && call.Instance?.WithoutConversions() is IObjectCreationOperation creation)
        {
            starter = creation;
            work = creation.Arguments.Length > 0 ? creation.Arguments[0].Value : null;
        }
        else
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    work = argument.Value;
                }
            }
        }

        // Task.Run(work) and StartNew(work[, state]) and new Task(work[, state]) all have an overload with a trailing token.
        var explicitArguments = 0;
        foreach (var argument in starter is IInvocationOperation i ? i.Arguments : ((IObjectCreationOperation)starter).Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                explicitArguments++;
            }
        }

        if (TokenForwarding.SlotFor(starter, types) is { } outer && (outer.Replaces is not null || explicitArguments <= 2))
        {
            slots.Add(outer);
        }

        if (work.AsLambda() is { } lambda && !IsStatic(lambda))
        {
            TokenForwarding.CollectCalls(lambda.Body, types, awaitedOnly: false, slots);
        }
    }

    private static bool IsStatic(IAnonymousFunctionOperation lambda) =>
        lambda.Syntax is AnonymousFunctionExpressionSyntax syntax && syntax.Modifiers.Any(SyntaxKind.StaticKeyword);

    /// <summary>Adds <c>CancellationToken cancellationToken = default</c> to the enclosing method and passes it (see <see cref="NewTokenParameter"/>).</summary>
    private static void PlanNewParameter(FixContext context, IInvocationOperation call, List<TokenSlot> slots, List<PlannedFix> fixes)
    {
        if (NewTokenParameter.TryPlan(
            context,
            call.Syntax,
            symbol => "Add a CancellationToken parameter to '" + symbol.Name + "' and pass it",
            AddParameterKey,
            (editor, name) =>
            {
                foreach (var slot in slots)
                {
                    TokenForwarding.Apply(editor, slot, name);
                }
            }) is { } fix)
        {
            fixes.Add(fix);
        }
    }
}
