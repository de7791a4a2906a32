using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Concurrency;

/// <summary>
/// The precision test the BND1xxx rules share: work started per item is unbounded unless the knowledge layer says
/// the repetition is small, the work is observed in the same iteration, or a limiter gates it.
/// </summary>
internal static class SpawnSites
{
    /// <summary>
    /// The combined precision test of the BND1xxx rules: work started at <paramref name="spawn"/> once per
    /// <paramref name="repetition"/> is unbounded when the repetition is driven by input (<see cref="PerItemBounds.RepeatsOverInput"/>:
    /// a parameter's sequence, a query, a receive loop), unless the repetition is small, the work is awaited in the same
    /// iteration, a limiter gates it, the loop ends after it, or the work only completes a signal
    /// (<see cref="CompletionSignals"/>).
    /// </summary>
    public static bool IsUnbounded(IOperation spawn, Repetition repetition, IOperation? work, string ruleId, AnalyzerOptions options, KnownSymbols types, CancellationToken cancellationToken)
    {
        var region = Region(repetition);
        if (region is null || CompletionSignals.IsOnlyASignal(work, types) || !PerItemBounds.RepeatsOverInput(repetition, types))
        {
            return false;
        }

        var limit = OptionCatalog.SmallLoopLimit.GetInteger(options.AnalyzerConfigOptionsProvider, spawn.Syntax.SyntaxTree, ruleId);
        return !(PerItemBounds.IsBoundedRepetition(repetition, limit, types)
            || Awaiting.IsObservedInSameIteration(spawn, region, cancellationToken)
            || Limiters.IsGated(region, work, types, cancellationToken, spawn)
            || (repetition.Loop is not null && ExitsAfter(spawn.Syntax, region.Syntax)));
    }

    /// <summary>What repeats the work, for messages: "iteration of this loop" or "element passed to 'Select'".</summary>
    public static string Where(Repetition repetition) =>
        repetition.Loop is not null ? "iteration of this loop" : "element passed to '" + repetition.PerElementCall!.TargetMethod.Name + "'";

    /// <summary>The code that runs once per item: the loop body, or the per-element lambda.</summary>
    public static IOperation? Region(Repetition repetition) => (IOperation?)repetition.Loop?.Body ?? repetition.PerElementLambda?.Body;

    /// <summary>The loop stops after the spawn: it is returned, or a break/return/throw follows in the same block.</summary>
    public static bool ExitsAfter(SyntaxNode spawn, SyntaxNode loopBody)
    {
        for (var node = spawn; node is not null && node != loopBody; node = node.Parent)
        {
            if (node is ReturnStatementSyntax or ThrowStatementSyntax or YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldBreakStatement })
            {
                return true;
            }

            if (node is StatementSyntax statement && statement.Parent is BlockSyntax block)
            {
                var index = block.Statements.IndexOf(statement);
                for (var i = index + 1; i < block.Statements.Count; i++)
                {
                    if (block.Statements[i] is BreakStatementSyntax or ReturnStatementSyntax or ThrowStatementSyntax)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
