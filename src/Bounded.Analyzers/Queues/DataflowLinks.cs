using System.Collections.Generic;
using System.Collections.Immutable;
using Bounded.Analyzers.AcquireRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

/// <summary>
/// BND4003 for TPL Dataflow: <c>source.LinkTo(target)</c> without <c>PropagateCompletion = true</c>, where the member
/// awaits the completion of <paramref name="target"/> (or of a block that <c>target</c> passes its completion to), never
/// completes <c>target</c> itself and no other link into it propagates completion. Blocks created in the member only;
/// a block handed to other code is left alone.
/// </summary>
internal static class DataflowLinks
{
    public static void Analyze(OperationAnalysisContext context, KnownSymbols types)
    {
        var link = (IInvocationOperation)context.Operation;
        if (link.TargetMethod.Name != "LinkTo" || !IsLink(link, types, out var target, out var options) || Propagates(options) != false
            || target.WithoutConversions() is not ILocalReferenceOperation { Local: var block })
        {
            return;
        }

        var blocks = MemberBlocks.Collect(AcquireReleaseDriver.RootOf(link), types);
        if (!blocks.TryGetValue(block, out var state) || state.Escapes || state.Completed || state.PropagatingLinksIn > 0 || !IsAwaited(block, blocks, new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)))
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticProperties.Kind, nameof(ChannelFinding.LinkWithoutCompletion))
            .Add(UncompletedChannelAnalyzer.FlavorProperty, "DataflowBlock");
        if (state.LinksIn == 1 && (options is null || options.WithoutConversions() is IObjectCreationOperation))
        {
            properties = properties.Add(DiagnosticProperties.Fix, nameof(ChannelFix.Propagate));
        }

        context.ReportDiagnostic(Diagnostic.Create(UncompletedChannelAnalyzer.Rule, OperationHelpers.CallNameLocation(link.Syntax), properties, block.Name,
            "is linked without PropagateCompletion and never completed, so awaiting its Completion never returns",
            "link it with new DataflowLinkOptions { PropagateCompletion = true }"));
    }

    private static bool IsAwaited(ILocalSymbol block, Dictionary<ILocalSymbol, BlockState> blocks, HashSet<ILocalSymbol> seen)
    {
        if (!seen.Add(block) || !blocks.TryGetValue(block, out var state))
        {
            return false;
        }

        if (state.CompletionAwaited)
        {
            return true;
        }

        foreach (var next in state.PropagatesTo)
        {
            if (IsAwaited(next, blocks, seen))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The target and options arguments of <c>LinkTo</c> (the interface method or the DataflowBlock extensions).</summary>
    internal static bool IsLink(IInvocationOperation call, KnownSymbols types, out IOperation target, out IOperation? options)
    {
        target = null!;
        options = null;
        var found = false;
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter is not { } parameter)
            {
                continue;
            }

            if (parameter.Name == "target")
            {
                target = argument.Value;
                found = true;
            }
            else if (parameter.Type.IsType(types.DataflowLinkOptions) && argument.ArgumentKind == ArgumentKind.Explicit)
            {
                options = argument.Value;
            }
        }

        return found && call.TargetMethod.ContainingNamespace?.Name == "Dataflow";
    }

    /// <summary>True or false when the options say so (absent options: false); null when they are built elsewhere.</summary>
    internal static bool? Propagates(IOperation? options)
    {
        if (options is null)
        {
            return false;
        }

        if (options.WithoutConversions() is not IObjectCreationOperation creation)
        {
            return null;
        }

        if (creation.Initializer is { } initializer)
        {
            foreach (var member in initializer.Initializers)
            {
                if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "PropagateCompletion" }, Value: var value })
                {
                    return value.ConstantValue is { HasValue: true, Value: bool constant } ? constant : null;
                }
            }
        }

        return false;
    }

    private sealed class BlockState
    {
        public bool Escapes { get; set; }
        public bool Completed { get; set; }
        public bool CompletionAwaited { get; set; }
        public int LinksIn { get; set; }
        public int PropagatingLinksIn { get; set; }
        public List<ILocalSymbol> PropagatesTo { get; } = new();
    }

    private static class MemberBlocks
    {
        /// <summary>Every dataflow block local of the member created there, with how the member uses it.</summary>
        public static Dictionary<ILocalSymbol, BlockState> Collect(IOperation root, KnownSymbols types)
        {
            var blocks = new Dictionary<ILocalSymbol, BlockState>(SymbolEqualityComparer.Default);
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is IVariableDeclaratorOperation { Initializer.Value: { } value } declarator && value.WithoutConversions() is IObjectCreationOperation
                    && declarator.Symbol.Type.ContainingNamespace?.Name == "Dataflow")
                {
                    blocks[declarator.Symbol] = new BlockState();
                }
            }

            foreach (var operation in root.DescendantsAndSelf())
            {
                if (operation is ILocalReferenceOperation reference && blocks.TryGetValue(reference.Local, out var state))
                {
                    Classify(reference, state, blocks, types);
                }
            }

            return blocks;
        }

        private static void Classify(ILocalReferenceOperation reference, BlockState state, Dictionary<ILocalSymbol, BlockState> blocks, KnownSymbols types)
        {
            var node = AcquireReleaseAnalysis.Outermost(reference);
            switch (node.Parent)
            {
                case IInvocationOperation call when ReferenceEquals(call.Instance, node):
                    if (call.TargetMethod.Name is "Complete" or "Fault")
                    {
                        state.Completed = true;
                    }
                    else if (call.TargetMethod.Name == "LinkTo")
                    {
                        Link(call, state, blocks, types);
                    }

                    return;
                case IPropertyReferenceOperation { Property.Name: "Completion" } completion:
                    if (Awaiting.AwaitOf(completion) is not null
                        || AcquireReleaseAnalysis.Outermost(completion).Parent is IInvocationOperation { TargetMethod.Name: "Wait" })
                    {
                        state.CompletionAwaited = true;
                    }
                    else
                    {
                        state.Escapes = true; // the completion task is handed on: someone else may be waiting on something else
                    }

                    return;
                case IPropertyReferenceOperation:
                    return;
                case IArgumentOperation { Parent: IInvocationOperation call } argument:
                    if (call.TargetMethod.Name == "LinkTo" && IsLink(call, types, out var target, out _))
                    {
                        if (ReferenceEquals(target, argument.Value) || ReferenceEquals(target, node))
                        {
                            return; // counted by the source's Link
                        }

                        Link(call, state, blocks, types);
                        return;
                    }

                    if (call.TargetMethod.Name is "Post" or "SendAsync" && argument.Parameter?.Ordinal == 0 && call.TargetMethod.IsExtensionMethod)
                    {
                        return;
                    }

                    state.Escapes = true;
                    return;
                default:
                    state.Escapes = true;
                    return;
            }
        }

        /// <summary>Records a link from <paramref name="source"/> into its target.</summary>
        private static void Link(IInvocationOperation call, BlockState source, Dictionary<ILocalSymbol, BlockState> blocks, KnownSymbols types)
        {
            if (!IsLink(call, types, out var target, out var options) || target.WithoutConversions() is not ILocalReferenceOperation { Local: var local }
                || !blocks.TryGetValue(local, out var into))
            {
                return;
            }

            into.LinksIn++;
            var propagates = Propagates(options);
            if (propagates != false)
            {
                into.PropagatingLinksIn++; // or unknown: assumed to propagate
                if (propagates == true)
                {
                    source.PropagatesTo.Add(local);
                }
            }
        }
    }
}
