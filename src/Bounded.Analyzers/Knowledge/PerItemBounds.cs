using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

/// <summary>Whether what repeats a piece of work is known to repeat few times: a small constant, a worker pool, registered components.</summary>
internal static class PerItemBounds
{
    /// <summary>True when the repetition is known to run few times: a small constant count or a worker pool.</summary>
    public static bool IsBoundedRepetition(Repetition repetition, int smallLoopLimit, KnownSymbols types)
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

    private static bool IsBoundedForLoop(IForLoopOperation loop, int limit, KnownSymbols types) =>
        loop.Condition is { } condition && IsBoundedCondition(condition, limit, types, depth: 0);

    /// <summary><c>i &lt; bound</c>, or a conjunction of which one side is (<c>i &lt; 16 &amp;&amp; i &lt; list.Count</c>).</summary>
    private static bool IsBoundedCondition(IOperation operation, int limit, KnownSymbols types, int depth)
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
    private static bool IsBoundedCount(IOperation count, int limit, KnownSymbols types, bool allowPoolNames, int depth = 0)
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

        // A worker word says what is counted; a cap word only that it is capped, which bounds nothing when the caller chose it.
        return NamePolicy.NamesWorkerCount(name) || (NamePolicy.NamesCap(name) && !ComesFromInput(count, depth: 0));
    }

    private static bool IsProcessorCount(IOperation operation, KnownSymbols types) =>
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
    public static bool IsBoundedSource(IOperation source, int limit, KnownSymbols types, int depth)
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
                return IsBoundedLocal(local, limit, types, depth) || HoldsComponents(local, local.Type);
            case IFieldReferenceOperation field:
                return HoldsComponents(field, field.Type);
            case IPropertyReferenceOperation property:
                return HoldsComponents(property, property.Type);
        }

        return source.Syntax is CollectionExpressionSyntax collection && IsSmallCollectionExpression(collection, limit);
    }

    /// <summary>
    /// Components the program owns rather than items of input: a collection held by the program itself (a field or
    /// property of this type or a static one, its <c>.Values</c>, or a local taken from one) whose elements are
    /// behaviour, not data (interfaces, delegates, abstract classes: handlers, endpoints, transports, providers,
    /// hosted services). Fan-out over them is bounded by configuration and registration, not by input. Data records,
    /// strings and concrete classes are items, and a collection handed in as a parameter is input.
    /// </summary>
    private static bool HoldsComponents(IOperation source, ITypeSymbol? collection)
    {
        return ElementType(collection) is { } element && IsComponent(element) && IsOwnedByTheProgram(source, depth: 0);
    }

    /// <summary>Behaviour rather than data: an interface, a delegate or an abstract class.</summary>
    private static bool IsComponent(ITypeSymbol element) =>
        element.TypeKind is TypeKind.Interface or TypeKind.Delegate || (element.TypeKind == TypeKind.Class && element.IsAbstract);

    /// <summary>The element type of an array or of a type that implements <c>IEnumerable&lt;T&gt;</c>.</summary>
    private static ITypeSymbol? ElementType(ITypeSymbol? collection)
    {
        if (collection is IArrayTypeSymbol array)
        {
            return array.ElementType;
        }

        if (collection is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
        {
            return named.TypeArguments[0];
        }

        foreach (var implemented in named.AllInterfaces)
        {
            if (implemented.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return implemented.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>A field or property of this object or a static one (or a member of such), or a local initialised from one.</summary>
    private static bool IsOwnedByTheProgram(IOperation value, int depth)
    {
        value = value.WithoutConversions();
        switch (value)
        {
            case IMemberReferenceOperation { Instance: null }:
            case IMemberReferenceOperation { Instance: IInstanceReferenceOperation }:
                return value is IFieldReferenceOperation or IPropertyReferenceOperation;
            case IFieldReferenceOperation or IPropertyReferenceOperation when depth < 4:
                return IsOwnedByTheProgram(((IMemberReferenceOperation)value).Instance!, depth + 1);
            case ILocalReferenceOperation local when depth < 4:
                return InitialValue(local) is { } initial && IsOwnedByTheProgram(initial, depth + 1);
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether a value is the caller's input: a parameter, something read from one (its field or property, a call
    /// on it), or a local initialised with such a value. A name can only vouch for a value the program owns. With
    /// <paramref name="orQuery"/>, also what a query or a read returns (<see cref="IsQueryResult"/>): rows, files and
    /// messages are input too.
    /// </summary>
    internal static bool ComesFromInput(IOperation value, int depth, bool orQuery = false)
    {
        value = value.WithoutConversions();
        switch (value)
        {
            case IParameterReferenceOperation:
                return true;
            case IAwaitOperation { Operation: IInvocationOperation } when orQuery:
                return true;
            case IFieldReferenceOperation or IPropertyReferenceOperation when orQuery && depth < 4 && IsOwnedByTheProgram(value, depth: 0):
                return IsFilledFromInput((IMemberReferenceOperation)value, depth);
            case IMemberReferenceOperation { Instance: { } instance }:
                return depth < 4 && ComesFromInput(instance, depth + 1, orQuery);
            case IInvocationOperation call when depth < 4:
                if (call.Instance is { } receiver)
                {
                    return ComesFromInput(receiver, depth + 1, orQuery) || (orQuery && IsQueryResult(call));
                }

                if (call.TargetMethod.IsExtensionMethod)
                {
                    // ids.Where(...).ToList(): a view of its source, which decides.
                    return call.Arguments.Length > 0 && ComesFromInput(call.Arguments[0].Value, depth + 1, orQuery);
                }

                return HasCountFromInput(call, depth) || (orQuery && IsQueryResult(call));
            case ILocalReferenceOperation local when depth < 4:
                return InitialValue(local) is { } initial && ComesFromInput(initial, depth + 1, orQuery);
            case IArrayCreationOperation { DimensionSizes.Length: 1 } array when depth < 4:
                return ComesFromInput(array.DimensionSizes[0], depth + 1, orQuery); // new Task[orders.Count]
            default:
                return false;
        }

        // Enumerable.Range(0, count): as many items as the count says.
        bool HasCountFromInput(IInvocationOperation call, int level)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Value.Type?.SpecialType == SpecialType.System_Int32 && ComesFromInput(argument.Value, level + 1, orQuery))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// A call that reads or queries a sequence of data (<c>repository.GetOrders()</c>, <c>Directory.GetFiles(root)</c>):
    /// not a LINQ view or a count (those are judged by their source), returning a sequence whose elements are data
    /// rather than components (<see cref="HoldsComponents"/>).
    /// </summary>
    private static bool IsQueryResult(IInvocationOperation call)
    {
        var method = call.TargetMethod;
        if (method.IsExtensionMethod || method.ReturnsVoid || method.ContainingType?.SpecialType == SpecialType.System_Object)
        {
            return false;
        }

        if (method.ContainingNamespace is { Name: "Linq", ContainingNamespace.Name: "System" })
        {
            return false; // Enumerable.Range/Repeat/Empty: a count, judged by it
        }

        var element = ElementType(method.ReturnType);
        return element is not null && !IsComponent(element);
    }

    /// <summary>
    /// The sequence a repetition runs over comes from input (<see cref="ComesFromInput"/> with queries): the collection
    /// of a <c>foreach</c>, the bound of a <c>for</c> condition (<c>i &lt; ids.Count</c>), the source of a per-element call,
    /// or, for a <c>while</c> or <c>do</c> loop, an item it receives on each iteration (<see cref="ReceivesItems"/>). This is the
    /// evidence the BND1xxx rules require: a collection the program holds or a count it chose is configuration.
    /// </summary>
    internal static bool RepeatsOverInput(Repetition repetition, KnownSymbols types)
    {
        switch (repetition.Loop)
        {
            case IWhileLoopOperation receiving:
                return ReceivesItems(receiving, types);
            case IForLoopOperation { Condition: { } condition }:
                return HasBoundFromInput(condition, depth: 0);
            case IForEachLoopOperation loop:
                return IsInputSequence(loop.Collection, types);
            case null when repetition.PerElementCall is { } call:
                var source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
                return source is not null && IsInputSequence(source, types);
            default:
                return false;
        }
    }

    /// <summary>A sequence from input, or <c>Enumerable.Range(0, 10_000)</c>: a constant count speaks for itself (small ones are bounded).</summary>
    private static bool IsInputSequence(IOperation source, KnownSymbols types)
    {
        source = source.WithoutConversions();
        if (source is IInvocationOperation { Instance: null, Arguments.Length: 2 } range
            && range.Arguments[1].Value.ConstantValue.HasValue
            && SymbolEqualityComparer.Default.Equals(range.TargetMethod.ContainingType, types.Enumerable))
        {
            return true;
        }

        return ComesFromInput(source, depth: 0, orQuery: true)
            || (source is IInvocationOperation call && IsAsyncQuery(call, types));
    }

    /// <summary><c>store.ReadAllAsync(token)</c>: an async stream of data is read from outside the program.</summary>
    private static bool IsAsyncQuery(IInvocationOperation call, KnownSymbols types) =>
        call.Type is INamedTypeSymbol { IsGenericType: true } stream
        && SymbolEqualityComparer.Default.Equals(stream.OriginalDefinition, types.AsyncEnumerable)
        && !IsComponent(stream.TypeArguments[0]);

    /// <summary><c>i &lt; ids.Count</c>, <c>i &lt;= 100</c> (a constant: judged by its size), or a conjunction with such a side.</summary>
    private static bool HasBoundFromInput(IOperation condition, int depth)
    {
        if (condition.WithoutConversions() is not IBinaryOperation binary || depth > 4)
        {
            return false;
        }

        if (binary.OperatorKind == BinaryOperatorKind.ConditionalAnd)
        {
            return HasBoundFromInput(binary.LeftOperand, depth + 1) || HasBoundFromInput(binary.RightOperand, depth + 1);
        }

        var bound = binary.OperatorKind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual ? binary.LeftOperand : binary.RightOperand;
        return bound.ConstantValue.HasValue || ComesFromInput(bound, depth: 0, orQuery: true);
    }

    /// <summary>
    /// A <c>while</c> or <c>do</c> loop that receives an item on each iteration: it awaits a result (an accept, a read, a
    /// receive, a dequeue), takes one through an <c>out</c> argument (<c>TryDequeue(out var item)</c>), tests a call in its
    /// condition (<c>(line = reader.ReadLine()) != null</c>), or re-reads the local its condition tests from a call (a
    /// cursor). A loop that only counts, sleeps or spins receives nothing.
    /// </summary>
    private static bool ReceivesItems(IWhileLoopOperation loop, KnownSymbols types)
    {
        if (loop.Condition is { } condition)
        {
            foreach (var operation in condition.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation call when !IsClock(call.Instance, types):
                        return true; // (line = reader.ReadLine()) != null, await reader.ReadAsync()
                    case IMemberReferenceOperation { Instance: { } instance } when !IsClock(instance, types) && ComesFromInput(instance, depth: 0):
                        return true; // queue.Count > 0 on a queue handed in
                }
            }
        }

        foreach (var operation in loop.Body.Descendants())
        {
            switch (operation)
            {
                case IAwaitOperation { Type.SpecialType: not SpecialType.System_Void, Operation: var awaited }
                    when !(awaited.WithoutConversions() is IInvocationOperation { Instance: var clock } && IsClock(clock, types)):
                case IArgumentOperation { Parameter.RefKind: RefKind.Out }:
                    return true;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation cursor, Value: var next }
                    when next.WithoutConversions() is IInvocationOperation or IAwaitOperation && loop.Condition is { } test && Awaiting.References(test, cursor.Local):
                    return true; // while (batch is not null) { …; batch = session.ReadNext(); }: a reader's cursor
                case IVariableInitializerOperation { Value: var value } when value.WithoutConversions() is IInvocationOperation { Instance: { } receiver } call:
                    // var order = queue.Dequeue(); var client = _listener.AcceptTcpClient(); var data = fileReader.Read():
                    // an item of input, a connection, or what a reader (a disposable source) hands out.
                    if (ComesFromInput(receiver, depth: 0) || IsDisposable(call.Type) || IsDisposable(receiver.Type))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>A cancellation token or a periodic timer: time and stop signals, not items.</summary>
    private static bool IsClock(IOperation? instance, KnownSymbols types) =>
        instance?.Type is { } type && (types.IsToken(type) || SymbolEqualityComparer.Default.Equals(type, types.PeriodicTimer));

    private static bool IsDisposable(ITypeSymbol? type)
    {
        if (type is null || type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.SpecialType == SpecialType.System_IDisposable)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A collection the type holds is input when the type fills it with what it receives: a call on it that hands it a
    /// value (<c>_pending.Add(order)</c>), or an assignment from input. A collection the type fills itself, from a count
    /// or by creating its parts (<c>_workers = [.. Enumerable.Range(0, options.Count).Select(i => new Worker(i))]</c>),
    /// is configuration. Read from the syntax of the declaring type (all its parts); a member declared elsewhere is not
    /// judged (no evidence).
    /// </summary>
    private static bool IsFilledFromInput(IMemberReferenceOperation reference, int depth)
    {
        var member = reference.Member;
        if (member.ContainingType is not { } type || reference.SemanticModel is not { } model)
        {
            return false;
        }

        var name = member.Name;
        foreach (var declaration in type.DeclaringSyntaxReferences)
        {
            var root = declaration.GetSyntax();
            foreach (var node in root.DescendantNodes())
            {
                if (node is not IdentifierNameSyntax { Identifier.ValueText: var text } identifier || text != name)
                {
                    continue;
                }

                SyntaxNode use = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
                if (use.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } } call && call.Expression == use)
                {
                    return true; // the type hands it items
                }

                if (use.Parent is ElementAccessExpressionSyntax { Parent: AssignmentExpressionSyntax keyed } element && keyed.Left == element)
                {
                    return true; // _entries[key] = value
                }

                if (use.Parent is AssignmentExpressionSyntax assignment && assignment.Left == use
                    && root.SyntaxTree == model.SyntaxTree
                    && model.GetOperation(assignment.Right) is { } assigned
                    && ComesFromInput(assigned, depth + 1, orQuery: true))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The initializer of a local declared with one, else null.</summary>
    private static IOperation? InitialValue(ILocalReferenceOperation reference)
    {
        var local = reference.Local;
        if (local.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel is not { } model
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } value })
        {
            return null;
        }

        return model.GetOperation(value);
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
    private static bool IsBoundedLocal(ILocalReferenceOperation reference, int limit, KnownSymbols types, int depth)
    {
        if (InitialValue(reference) is { } initial)
        {
            return IsBoundedSource(initial, limit, types, depth + 1);
        }

        var local = reference.Local;
        if (local.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel is not { } model)
        {
            return false;
        }

        if (local.DeclaringSyntaxReferences[0].GetSyntax() is ForEachStatementSyntax outer
            && model.GetOperation(outer) is IForEachLoopOperation { Collection: var collection }
            && collection.WithoutConversions() is IInvocationOperation { TargetMethod.Name: "Chunk" } chunk
            && SymbolEqualityComparer.Default.Equals(chunk.TargetMethod.ContainingType, types.Enumerable))
        {
            return true;
        }

        return false;
    }
}
