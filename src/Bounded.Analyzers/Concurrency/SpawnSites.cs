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
/// The precision checks shared by the BND1xxx rules: when is work started per item actually bounded,
/// sequential or gated.
/// </summary>
internal static class SpawnSites
{
    private static readonly ImmutableArray<string> PoolSizeWords = ImmutableArray.Create("worker", "consumer", "producer", "thread", "concurren", "parallel", "degree", "pool", "reader", "writer", "fanout", "limit", "max");

    /// <summary>Collections of components the program registers (event handlers, subscribers, plugins): bounded by code, not by input.</summary>
    private static readonly ImmutableArray<string> ComponentWords = ImmutableArray.Create("handler", "subscriber", "listener", "observer", "callback", "plugin", "interceptor", "sink", "participant");

    /// <summary>
    /// The combined precision test of the BND1xxx rules: work started at <paramref name="spawn"/> once per
    /// <paramref name="repetition"/> is unbounded unless the repetition is small, the work is awaited in the same
    /// iteration, a limiter gates it, or the loop ends after it.
    /// </summary>
    public static bool IsUnbounded(IOperation spawn, Repetition repetition, IOperation? work, string ruleId, AnalyzerOptions options, WellKnownTypes types, CancellationToken cancellationToken)
    {
        var region = (IOperation?)repetition.Loop?.Body ?? repetition.PerElementLambda?.Body;
        if (region is null)
        {
            return false;
        }

        var limit = BoundedOptions.GetInt(options.AnalyzerConfigOptionsProvider, spawn.Syntax.SyntaxTree, ruleId, BoundedOptions.SmallLoopLimit, defaultValue: 16, min: 0);
        return !(IsBoundedRepetition(repetition, limit, types)
            || IsObservedInSameIteration(spawn, region, cancellationToken)
            || IsGated(region, work, types, cancellationToken)
            || (repetition.Loop is not null && ExitsAfter(spawn.Syntax, region.Syntax)));
    }

    /// <summary>True when the repetition is known to run few times: a small constant count or a worker pool.</summary>
    public static bool IsBoundedRepetition(Repetition repetition, int smallLoopLimit, WellKnownTypes types)
    {
        if (repetition.Loop is IForLoopOperation forLoop)
        {
            return IsBoundedForLoop(forLoop, smallLoopLimit, types);
        }

        if (repetition.Loop is IForEachLoopOperation forEach)
        {
            return IsBoundedSource(forEach.Collection, smallLoopLimit, types, depth: 0);
        }

        if (repetition.PerElementLambda is { } perElement && IgnoresItsElement(perElement))
        {
            return true; // Range(0, n).Select(_ => Worker()): n identical workers, not work per item
        }

        if (repetition.PerElementCall is { } call)
        {
            var source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
            return source is not null && IsBoundedSource(source, smallLoopLimit, types, depth: 0);
        }

        return false;
    }

    private static bool IsBoundedForLoop(IForLoopOperation loop, int limit, WellKnownTypes types) =>
        loop.Condition is { } condition && IsBoundedCondition(condition, limit, types, depth: 0);

    /// <summary><c>i &lt; bound</c>, or a conjunction of which one side is (<c>i &lt; 16 &amp;&amp; i &lt; list.Count</c>).</summary>
    private static bool IsBoundedCondition(IOperation operation, int limit, WellKnownTypes types, int depth)
    {
        if (operation.WithoutConversions() is not IBinaryOperation condition)
        {
            return false;
        }

        if (condition.OperatorKind == BinaryOperatorKind.ConditionalAnd)
        {
            return depth < 4
                && (IsBoundedCondition(condition.LeftOperand, limit, types, depth + 1) || IsBoundedCondition(condition.RightOperand, limit, types, depth + 1));
        }

        IOperation bound;
        var inclusive = false;
        switch (condition.OperatorKind)
        {
            case BinaryOperatorKind.LessThan:
                bound = condition.RightOperand;
                break;
            case BinaryOperatorKind.LessThanOrEqual:
                bound = condition.RightOperand;
                inclusive = true;
                break;
            case BinaryOperatorKind.GreaterThan:
                bound = condition.LeftOperand;
                break;
            case BinaryOperatorKind.GreaterThanOrEqual:
                bound = condition.LeftOperand;
                inclusive = true;
                break;
            default:
                return false;
        }

        return IsBoundedCount(bound, inclusive ? limit - 1 : limit, types, allowPoolNames: true);
    }

    /// <summary>A count that is a small constant, the processor count, or (for pool sizes) named like one.</summary>
    private static bool IsBoundedCount(IOperation count, int limit, WellKnownTypes types, bool allowPoolNames, int depth = 0)
    {
        count = count.WithoutConversions();
        if (count.ConstantValue is { HasValue: true, Value: int value })
        {
            return value <= limit;
        }

        if (IsProcessorCount(count, types))
        {
            return true;
        }

        if (count is IBinaryOperation arithmetic)
        {
            // Environment.ProcessorCount * 2 and similar stay a worker pool.
            return (IsProcessorCount(arithmetic.LeftOperand.WithoutConversions(), types) && arithmetic.RightOperand.ConstantValue.HasValue)
                || (IsProcessorCount(arithmetic.RightOperand.WithoutConversions(), types) && arithmetic.LeftOperand.ConstantValue.HasValue);
        }

        // workers.Length where workers = new Task[Environment.ProcessorCount] (or a small constant).
        if (depth < 2
            && count is IPropertyReferenceOperation { Property.Name: "Length", Instance: ILocalReferenceOperation { Type: IArrayTypeSymbol } array }
            && IsBoundedLocal(array, limit, types, depth + 1))
        {
            return true;
        }

        if (!allowPoolNames)
        {
            return false;
        }

        var name = count switch
        {
            ILocalReferenceOperation local => local.Local.Name,
            IParameterReferenceOperation parameter => parameter.Parameter.Name,
            IFieldReferenceOperation field => field.Field.Name,
            IPropertyReferenceOperation property => property.Property.Name,
            _ => null,
        };

        if (name is null || name is "Length" or "Count" or "LongLength")
        {
            return false;
        }

        foreach (var word in PoolSizeWords)
        {
            if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsProcessorCount(IOperation operation, WellKnownTypes types) =>
        operation is IPropertyReferenceOperation { Property.Name: "ProcessorCount" } property
        && SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, types.Environment);

    /// <summary>The per-element lambda never reads its element (<c>_ => …</c> or an unused parameter).</summary>
    public static bool IgnoresItsElement(IAnonymousFunctionOperation lambda)
    {
        if (lambda.Symbol.Parameters.Length != 1)
        {
            return false;
        }

        var element = lambda.Symbol.Parameters[0];
        foreach (var operation in lambda.Body.Descendants())
        {
            if (operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, element))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A sequence of known small length: a short array, collection expression, Range/Repeat or Chunk.</summary>
    public static bool IsBoundedSource(IOperation source, int limit, WellKnownTypes types, int depth)
    {
        source = source.WithoutConversions();
        switch (source)
        {
            case IArrayCreationOperation array:
                if (array.Initializer is { } initializer)
                {
                    return initializer.ElementValues.Length <= limit;
                }

                return array.DimensionSizes.Length == 1
                    && IsBoundedCount(array.DimensionSizes[0], limit, types, allowPoolNames: true, depth);

            case IInvocationOperation call
                when SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, types.Enumerable)
                    && call.TargetMethod.Name is "Range" or "Repeat"
                    && call.Arguments.Length == 2:
                return IsBoundedCount(call.Arguments[1].Value, limit, types, allowPoolNames: true);

            case IInvocationOperation take
                when take.TargetMethod.Name == "Take"
                    && take.Arguments.Length == 2
                    && SymbolEqualityComparer.Default.Equals(take.TargetMethod.ContainingType, types.Enumerable)
                    && take.Arguments[1].Value.Type?.SpecialType == SpecialType.System_Int32:
                return IsBoundedCount(take.Arguments[1].Value, limit, types, allowPoolNames: false);

            case ILocalReferenceOperation local when depth < 2:
                return IsBoundedLocal(local, limit, types, depth) || HoldsComponents(local.Local.Name, local.Type);
            case IFieldReferenceOperation field:
                return HoldsComponents(field.Field.Name, field.Type);
            case IPropertyReferenceOperation property:
                return HoldsComponents(property.Property.Name, property.Type);
            case IParameterReferenceOperation parameter:
                return HoldsComponents(parameter.Parameter.Name, parameter.Type);
        }

        return source.Syntax is CollectionExpressionSyntax collection && IsSmallCollectionExpression(collection, limit);
    }

    /// <summary><c>_handlers</c>, <c>subscribers</c>: named like components, and holding interfaces or delegates (not strings or records).</summary>
    private static bool HoldsComponents(string name, ITypeSymbol? collection)
    {
        var element = collection switch
        {
            IArrayTypeSymbol array => array.ElementType,
            INamedTypeSymbol { TypeArguments.Length: 1 } generic => generic.TypeArguments[0],
            _ => null,
        };
        if (element is null || element.TypeKind is not (TypeKind.Interface or TypeKind.Delegate))
        {
            return false;
        }

        foreach (var word in ComponentWords)
        {
            if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSmallCollectionExpression(CollectionExpressionSyntax collection, int limit)
    {
        if (collection.Elements.Count > limit)
        {
            return false;
        }

        foreach (var element in collection.Elements)
        {
            if (element is SpreadElementSyntax)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A local initialised with a small sequence, or the chunk variable of <c>foreach (var c in x.Chunk(n))</c>.</summary>
    private static bool IsBoundedLocal(ILocalReferenceOperation reference, int limit, WellKnownTypes types, int depth)
    {
        var local = reference.Local;
        if (local.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel is not { } model)
        {
            return false;
        }

        var declaration = local.DeclaringSyntaxReferences[0].GetSyntax();
        if (declaration is VariableDeclaratorSyntax { Initializer.Value: { } value })
        {
            return model.GetOperation(value) is { } initial && IsBoundedSource(initial, limit, types, depth + 1);
        }

        if (declaration is ForEachStatementSyntax outer
            && model.GetOperation(outer) is IForEachLoopOperation { Collection: var collection }
            && collection.WithoutConversions() is IInvocationOperation { TargetMethod.Name: "Chunk" } chunk
            && SymbolEqualityComparer.Default.Equals(chunk.TargetMethod.ContainingType, types.Enumerable))
        {
            return true;
        }

        return false;
    }

    /// <summary>The task is awaited or waited for within the same iteration, so the loop is sequential.</summary>
    public static bool IsObservedInSameIteration(IOperation spawn, IOperation region, CancellationToken cancellationToken = default)
    {
        var parent = spawn.ParentSkippingConversions();
        if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && ReferenceEquals(configure.Instance?.WithoutConversions(), spawn))
        {
            parent = configure.ParentSkippingConversions();
        }

        switch (parent)
        {
            case IAwaitOperation:
            case IPropertyReferenceOperation { Property.Name: "Result" }:
            case IInvocationOperation { TargetMethod.Name: "Wait" or "GetAwaiter" or "Join" }:
                return true;
        }

        var holder = StoredInto(spawn);
        return holder is not null && IsDeclaredWithin(holder, region.Syntax) && IsAwaitedWithin(holder, region, cancellationToken);
    }

    /// <summary>The local that holds the task: <c>var t = Spawn()</c>, <c>t = Spawn()</c> or <c>tasks.Add(Spawn())</c>.</summary>
    public static ILocalSymbol? StoredInto(IOperation spawn)
    {
        var parent = spawn.ParentSkippingConversions();
        switch (parent)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return declarator.Symbol;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target }:
                return target.Local;
            case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array } }:
                return array.Local;
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Add" or "Enqueue" or "Push", Instance: ILocalReferenceOperation collection } }:
                return collection.Local;
        }

        return null;
    }

    private static bool IsDeclaredWithin(ISymbol symbol, SyntaxNode region)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (region.Span.Contains(reference.Span) && reference.SyntaxTree == region.SyntaxTree)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAwaitedWithin(ILocalSymbol local, IOperation region, CancellationToken cancellationToken)
    {
        foreach (var operation in region.Descendants())
        {
            cancellationToken.ThrowIfCancellationRequested(); // a loop body can be the size of a method
            var observed = operation switch
            {
                IAwaitOperation awaited => awaited.Operation,
                IInvocationOperation { TargetMethod.Name: "Wait" or "GetAwaiter" or "Join" } wait => wait.Instance,
                IInvocationOperation { TargetMethod.Name: "WaitAll" or "WhenAll" } all => all,
                IPropertyReferenceOperation { Property.Name: "Result" } result => result.Instance,
                _ => null,
            };

            if (observed is not null && References(observed, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="operation"/> or anything under it reads <paramref name="local"/>.</summary>
    public static bool References(IOperation operation, ILocalSymbol local)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A limiter is taken in the repeated region or inside the work itself: a semaphore wait, a rate-limiter
    /// lease, a bounded channel write, or a <c>WhenAny</c> window.
    /// </summary>
    public static bool IsGated(IOperation region, IOperation? work, WellKnownTypes types, CancellationToken cancellationToken = default) =>
        ContainsLimiter(region, types, cancellationToken) || (work is not null && ContainsLimiter(work, types, cancellationToken));

    private static bool ContainsLimiter(IOperation root, WellKnownTypes types, CancellationToken cancellationToken)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (operation is IInvocationOperation invocation && IsLimiterCall(invocation.TargetMethod, types))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLimiterCall(IMethodSymbol method, WellKnownTypes types)
    {
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return false;
        }

        switch (method.Name)
        {
            case "Wait":
            case "WaitAsync":
                return SymbolEqualityComparer.Default.Equals(type, types.SemaphoreSlim);
            case "AcquireAsync":
            case "AttemptAcquire":
                return InheritsFrom(type, types.RateLimiter);
            case "WriteAsync":
            case "WaitToWriteAsync":
                return SymbolEqualityComparer.Default.Equals(type, types.ChannelWriter);
            case "WhenAny":
            case "WaitAny":
                return SymbolEqualityComparer.Default.Equals(type, types.Task);
            default:
                return false;
        }
    }

    private static bool InheritsFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

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
