using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Lifetime;

/// <summary>BND2002: a background loop with no exit that never observes cancellation.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EndlessLoopAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.LoopIgnoresCancellation,
        title: "Background loop never observes cancellation",
        message: "This '{0}' loop has no exit and never observes cancellation, so it cannot be stopped; {1}",
        RuleCategories.Lifetime,
        DiagnosticSeverity.Info,
        description: "A loop without an exit condition in background work (an async method or a Task.Run delegate) that never "
            + "checks a CancellationToken keeps running after shutdown was requested: the host waits for it and then abandons it. "
            + "Make the loop observe the token and pass the token to the calls it awaits.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.RegisterOperations(context, Registration.HasTasksAndTokens, Analyze, OperationKind.Loop);
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols types)
    {
        var loop = (ILoopOperation)context.Operation;
        if (loop.LoopKind is not (LoopKind.While or LoopKind.For)
            || !EndlessLoops.HasNoExitCondition(loop)
            || loop.Syntax.ContainsDiagnostics
            || !EndlessLoops.RunsInBackground(loop, context.ContainingSymbol, types)
            || !EndlessLoops.Waits(loop, types)
            || EndlessLoops.CanLeave(loop.Syntax)
            || types.LoopObservesToken(loop)
            || loop.ContainsInvalidCode())
        {
            return;
        }

        var keyword = EndlessLoops.Keyword(loop.Syntax);
        var candidates = loop.SemanticModel is { } model
            ? TokenDiscovery.Find(model, loop.Syntax, context.CancellationToken)
            : ImmutableArray<TokenCandidate>.Empty;
        var advice = candidates.IsEmpty ? "no token is in scope to stop it" : "observe " + TokenDiscovery.Describe(candidates);
        context.ReportDiagnostic(Diagnostic.Create(Rule, keyword.GetLocation(), keyword.ValueText, advice));
    }
}
