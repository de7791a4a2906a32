using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Lifetime;

/// <summary>BND2001: a task that is started and dropped, whose work receives no CancellationToken.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DetachedTaskAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.DetachedTaskWithoutToken,
        title: "Detached task gets no CancellationToken",
        message: "'{0}' starts work nobody awaits, and the work receives no CancellationToken; {1}",
        RuleCategories.Lifetime,
        DiagnosticSeverity.Info,
        description: "Fire-and-forget work that receives no CancellationToken keeps running after the request that started it "
            + "is gone, during shutdown and after the caller gave up. Pass the token in scope to the work and to the calls inside it.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.RegisterOperations(context, Registration.HasTasksAndTokens, Analyze, OperationKind.ExpressionStatement);
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols types)
    {
        var statement = (IExpressionStatementOperation)context.Operation;
        // Implicit statements are expression bodies; only `=> _ = X()` and `void M() => X()` drop a task on purpose.
        if (statement.IsImplicit
            && statement.Operation is not ISimpleAssignmentOperation { Target: IDiscardOperation }
            && statement.Syntax.Parent is not ArrowExpressionClauseSyntax)
        {
            return;
        }

        var kind = DetachedTasks.Classify(statement.Operation, types, out var call);
        if (kind == DetachedKind.None || call is null || statement.Syntax.ContainsDiagnostics || DetachedTasks.ReceivesToken(kind, call, types)
            || DetachedTasks.RunsCallersDelegate(kind, call))
        {
            return;
        }

        var method = call.TargetMethod;
        var acceptsToken = kind != DetachedKind.Call || DetachedTasks.AcceptsToken(method, types);
        if (!acceptsToken && (method.MethodKind == MethodKind.DelegateInvoke || method.Locations.IsEmpty || !method.Locations[0].IsInSource))
        {
            return; // a library call or a handler delegate (sender, args) that takes no token: nothing can be given one
        }

        if (statement.Operation.ContainsInvalidCode())
        {
            return; // an unresolved name or call in the work may be the token it reads
        }

        if (statement.SemanticModel is { } semanticModel
            && DetachedTasks.CalleeObservesToken(kind, call, types, semanticModel, context.CancellationToken))
        {
            return; // the method it runs reads a token of its own (a field, a source's token)
        }

        var tree = statement.Syntax.SyntaxTree;
        var provider = context.Options.AnalyzerConfigOptionsProvider;
        if (BoundedOptions.IsExcludedTestProject(provider, tree, RuleIds.DetachedTaskWithoutToken))
        {
            return;
        }

        var ownership = OptionCatalog.TaskOwnershipMethods.GetList(provider, tree, RuleIds.DetachedTaskWithoutToken);
        if (DetachedTasks.IsOwnershipMethod(method, ownership))
        {
            return;
        }

        // Evidence of harm, one of two. (A) A token that fits the work is in scope and the work could honour it: it
        // takes one, calls something that does, loops, or runs long (the detached counterpart of CA2016). (B) The work
        // runs forever and no token in scope could stop it. Short one-shot work whose design has no token (a save, a
        // notification, a completion hand-off) is reported only on request (bounded.bnd2001.report_tokenless_work).
        var longRunning = DetachedTasks.WorkIs(kind, call, unstoppable: false);
        var candidates = statement.SemanticModel is { } model
            ? TokenDiscovery.ForWork(model, call.Syntax, longRunning, context.CancellationToken)
            : ImmutableArray<TokenCandidate>.Empty;
        var couldHonour = !candidates.IsEmpty
            && (longRunning || (DetachedTasks.WorkCanTakeToken(kind, call, types) && !DetachedTasks.IsTimeBounded(kind, call, types)));
        var unstoppable = candidates.IsEmpty && longRunning && DetachedTasks.WorkIs(kind, call, unstoppable: true);
        if (!couldHonour && !unstoppable
            && !(OptionCatalog.ReportTokenlessWork.GetBoolean(provider, tree, RuleIds.DetachedTaskWithoutToken)
                 && (acceptsToken || (!candidates.IsEmpty && !candidates[0].IsMember))))
        {
            return;
        }

        var advice = candidates.IsEmpty
                ? statement.SemanticModel is { } requestModel && RequestScope.IsInRequestCode(requestModel, call.Syntax, types, context.CancellationToken)
                    ? "no token that outlives the request is in scope to stop it (the request's token ends with the response); inject IHostApplicationLifetime and pass its ApplicationStopping"
                    : "no token is in scope to stop it"
            : acceptsToken ? "pass " + TokenDiscovery.Describe(candidates)
            : "'" + method.Name + "' accepts no token; give it one and pass " + TokenDiscovery.Describe(candidates);

        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Kind, kind.ToString());
        if (longRunning)
        {
            properties = properties.Add(DiagnosticProperties.LongRunning, "true");
        }

        context.ReportDiagnostic(Diagnostic.Create(Rule, DetachedTasks.Location(call), properties, DetachedTasks.DisplayName(kind, call), advice));
    }
}
