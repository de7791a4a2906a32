using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Analyzers;

/// <summary>The registration analyzers share: symbols resolved once per compilation, nothing registered when a required type is missing.</summary>
internal static class Registration
{
    public static void RegisterOperations(
        AnalysisContext context,
        Func<KnownSymbols, bool> hasRequiredTypes,
        Action<OperationAnalysisContext, KnownSymbols> action,
        params OperationKind[] kinds)
    {
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (!hasRequiredTypes(types))
            {
                return;
            }

            start.RegisterOperationAction(c => action(c, types), kinds);
        });
    }

    /// <summary>What every BND2xxx rule needs: Task and CancellationToken.</summary>
    public static bool HasTasksAndTokens(KnownSymbols types) => types.Task is not null && types.CancellationToken is not null;
}
