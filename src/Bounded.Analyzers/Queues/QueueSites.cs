using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

internal enum QueueKind
{
    None,
    Channel,
    BlockingCollection,
    DataflowBlock,
}

/// <summary>How one reference to a queue's variable uses the queue.</summary>
internal enum QueueUse
{
    /// <summary>Reads, completion, counts: nothing that adds items or lets the queue leave the code we see.</summary>
    Neutral,

    /// <summary>Takes items out (reader, <c>Take</c>, <c>Receive</c>, <c>LinkTo</c> as the source): a consumer.</summary>
    Read,

    /// <summary>The block is the source of a <c>LinkTo</c> with a filter: rejected items stay in its output buffer.</summary>
    FilteredRead,

    /// <summary>Adds an item and waits for room: <c>WriteAsync</c>, <c>Add</c>, <c>SendAsync</c>.</summary>
    WaitingWrite,

    /// <summary>Adds an item or fails when full: <c>TryWrite</c>, <c>TryAdd</c>, <c>Post</c>.</summary>
    TryWrite,

    /// <summary>The queue is the target of <c>LinkTo</c>: another block feeds it, with back-pressure.</summary>
    LinkedTarget,

    /// <summary>The variable is assigned.</summary>
    Assigned,

    /// <summary>The queue (or its writer) is passed, returned, stored or used in a way we do not follow.</summary>
    Escapes,
}

/// <summary>A queue creation the BND4001 rule reports: what kind of queue, and its options argument if any.</summary>
internal readonly struct UnboundedQueue
{
    public UnboundedQueue(QueueKind kind, IOperation creation, IArgumentOperation? options, string displayName)
    {
        Kind = kind;
        Creation = creation;
        Options = options;
        DisplayName = displayName;
    }

    public QueueKind Kind { get; }
    public IOperation Creation { get; }

    /// <summary>The options argument (<c>UnboundedChannelOptions</c> or dataflow options), when one is passed.</summary>
    public IArgumentOperation? Options { get; }

    public string DisplayName { get; }
}

/// <summary>The precision checks of BND4001 and the facts its fix needs; shared so both agree.</summary>
internal static class QueueSites
{
    /// <summary><c>Channel.CreateUnbounded</c>.</summary>
    public static bool TryGetUnboundedChannel(IInvocationOperation invocation, KnownSymbols types, out UnboundedQueue queue)
    {
        queue = default;
        var method = invocation.TargetMethod;
        if (method.Name != "CreateUnbounded" || !method.IsStatic || !method.IsMethodOf(types.Channel, "CreateUnbounded"))
        {
            return false;
        }

        queue = new UnboundedQueue(QueueKind.Channel, invocation, FirstArgument(invocation.Arguments), "Channel.CreateUnbounded");
        return true;
    }

    /// <summary><c>new BlockingCollection&lt;T&gt;()</c> without a capacity, or a dataflow block without <c>BoundedCapacity</c>.</summary>
    public static bool TryGetUnboundedCreation(IObjectCreationOperation creation, KnownSymbols types, out UnboundedQueue queue)
    {
        queue = default;
        var type = creation.Type;
        if (type is null || creation.Constructor is not { } constructor)
        {
            return false;
        }

        if (type.IsType(types.BlockingCollection))
        {
            foreach (var parameter in constructor.Parameters)
            {
                if (parameter.Name == "boundedCapacity")
                {
                    return false;
                }
            }

            queue = new UnboundedQueue(QueueKind.BlockingCollection, creation, null, "BlockingCollection<" + TypeArgument(type) + ">");
            return true;
        }

        if (!types.IsBoundableBlock(type))
        {
            return false;
        }

        IArgumentOperation? options = null;
        foreach (var argument in creation.Arguments)
        {
            if (types.IsDataflowOptions(argument.Parameter?.Type))
            {
                options = argument;
            }
        }

        if (options is not null && !IsUnboundedDataflowOptions(options.Value, creation))
        {
            return false;
        }

        queue = new UnboundedQueue(QueueKind.DataflowBlock, creation, options, type.Name + "<" + TypeArgument(type) + ">");
        return true;
    }

    /// <summary>
    /// Options known to leave <c>BoundedCapacity</c> at <c>-1</c>: created in place (or in a local of the same function) without
    /// setting it, or setting it to the constant <c>-1</c>. Options we cannot see are assumed bounded.
    /// </summary>
    private static bool IsUnboundedDataflowOptions(IOperation value, IOperation site)
    {
        value = value.WithoutConversions();
        if (value is IObjectCreationOperation created)
        {
            return CapacityIn(created.Initializer) is not { } capacity || IsMinusOne(capacity);
        }

        if (value is not ILocalReferenceOperation { Local: var local })
        {
            return false;
        }

        IOperation? assigned = null;
        var known = false;
        foreach (var operation in FunctionRoot(site).Descendants())
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                if (declarator.GetVariableInitializer()?.Value.WithoutConversions() is not IObjectCreationOperation initial)
                {
                    return false;
                }

                known = true;
                assigned ??= CapacityIn(initial.Initializer);
            }
            else if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "BoundedCapacity", Instance: var instance } } assignment
                && instance?.WithoutConversions() is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                if (!IsMinusOne(assignment.Value))
                {
                    return false;
                }

                assigned = assignment.Value;
            }
            else if (operation is ILocalReferenceOperation other
                && SymbolEqualityComparer.Default.Equals(other.Local, local)
                && other.Parent is not IPropertyReferenceOperation
                && other.Parent is not IArgumentOperation)
            {
                return false; // assigned again or passed by ref: we cannot tell
            }
        }

        return known && (assigned is null || IsMinusOne(assigned));
    }

    /// <summary>The value assigned to <c>BoundedCapacity</c> in an object initializer, if any.</summary>
    public static IOperation? CapacityIn(IObjectOrCollectionInitializerOperation? initializer)
    {
        if (initializer is null)
        {
            return null;
        }

        IOperation? found = null;
        foreach (var item in initializer.Initializers)
        {
            if (item is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "BoundedCapacity" } } assignment)
            {
                found = assignment.Value;
            }
        }

        return found;
    }

    public static bool IsMinusOne(IOperation value) => value.WithoutConversions().ConstantValue is { HasValue: true, Value: -1 };

    /// <summary>The variable a creation is stored in: a local's or field's initializer, or the right side of an assignment.</summary>
    public static ISymbol? StorageOf(IOperation creation)
    {
        var child = creation;
        var parent = creation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return declarator.Symbol;
            case IFieldInitializerOperation { InitializedFields.Length: 1 } fieldInitializer:
                return fieldInitializer.InitializedFields[0];
            case IPropertyInitializerOperation { InitializedProperties.Length: 1 } propertyInitializer:
                return propertyInitializer.InitializedProperties[0];
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, child):
                return assignment.Target switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IFieldReferenceOperation field => field.Field,
                    IPropertyReferenceOperation property => property.Property,
                    _ => null,
                };
            default:
                return null;
        }
    }

    /// <summary>Classifies one reference to the variable that holds a queue of <paramref name="kind"/>.</summary>
    public static QueueUse Classify(IOperation reference, QueueKind kind, KnownSymbols types, out IInvocationOperation? write)
    {
        write = null;
        var child = reference;
        var parent = reference.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            child = parent;
            parent = parent.Parent;
        }

        if (parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, child))
        {
            return QueueUse.Assigned;
        }

        switch (kind)
        {
            case QueueKind.Channel:
                if (parent is IPropertyReferenceOperation { Property.Name: var accessor } && (accessor == "Reader" || accessor == "Writer"))
                {
                    if (accessor == "Reader")
                    {
                        return parent.Parent is IPropertyReferenceOperation { Property.Name: "Completion" or "Count" or "CanCount" or "CanPeek" }
                            ? QueueUse.Neutral
                            : QueueUse.Read;
                    }

                    return ClassifyWriterUse(parent, out write);
                }

                return QueueUse.Escapes;

            case QueueKind.BlockingCollection:
                if (parent is IInvocationOperation instanceCall && ReferenceEquals(instanceCall.Instance, child))
                {
                    switch (instanceCall.TargetMethod.Name)
                    {
                        case "TryAdd":
                            write = instanceCall;
                            return QueueUse.TryWrite;
                        case "Add":
                            write = instanceCall;
                            return QueueUse.WaitingWrite;
                        case "Take":
                        case "TryTake":
                        case "GetConsumingEnumerable":
                            return QueueUse.Read;
                        default:
                            return QueueUse.Neutral;
                    }
                }

                return parent is IPropertyReferenceOperation or IForEachLoopOperation ? QueueUse.Neutral : QueueUse.Escapes;

            case QueueKind.DataflowBlock:
                if (parent is IInvocationOperation blockCall && ReferenceEquals(blockCall.Instance, child))
                {
                    switch (blockCall.TargetMethod.Name)
                    {
                        case "Post": // ActionBlock<T>.Post is an instance method
                            write = blockCall;
                            return QueueUse.TryWrite;
                        case "SendAsync":
                            write = blockCall;
                            return QueueUse.WaitingWrite;
                        case "LinkTo":
                        case "TryReceive":
                        case "TryReceiveAll":
                        case "Receive":
                            return QueueUse.Read;
                        default:
                            return QueueUse.Neutral; // Complete, Fault …
                    }
                }

                if (parent is IPropertyReferenceOperation)
                {
                    return QueueUse.Neutral;
                }

                if (parent is IArgumentOperation { Parent: IInvocationOperation extension } argument)
                {
                    return ClassifyDataflowArgument(argument, extension, types, out write);
                }

                return QueueUse.Escapes;

            default:
                return QueueUse.Escapes;
        }
    }

    /// <summary>How a channel writer (<c>channel.Writer</c>, or a local holding it) is used.</summary>
    public static QueueUse ClassifyWriterUse(IOperation writer, out IInvocationOperation? write)
    {
        write = null;
        if (writer.ParentSkippingConversions() is IInvocationOperation call && ReferenceEquals(call.Instance?.WithoutConversions(), writer))
        {
            switch (call.TargetMethod.Name)
            {
                case "TryWrite":
                    write = call;
                    return QueueUse.TryWrite;
                case "WriteAsync":
                case "WaitToWriteAsync":
                    write = call;
                    return QueueUse.WaitingWrite;
                case "Complete":
                case "TryComplete":
                    return QueueUse.Neutral;
            }
        }

        return QueueUse.Escapes;
    }

    /// <summary>The local in <c>var writer = channel.Writer;</c> when <paramref name="reference"/> is the channel there.</summary>
    public static ILocalSymbol? WriterAlias(IOperation reference) =>
        reference.Parent is IPropertyReferenceOperation { Property.Name: "Writer" } writer
        && writer.ParentSkippingConversions() is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
        && !declarator.Symbol.IsRef
            ? declarator.Symbol
            : null;

    private static QueueUse ClassifyDataflowArgument(IArgumentOperation argument, IInvocationOperation call, KnownSymbols types, out IInvocationOperation? write)
    {
        write = null;
        var method = call.TargetMethod;
        var ordinal = argument.Parameter?.Ordinal ?? -1;
        if (method.Name == "LinkTo" && ordinal == (method.IsExtensionMethod || method.IsStatic ? 1 : 0))
        {
            return QueueUse.LinkedTarget;
        }

        if (!method.IsStatic || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.DataflowBlock) || ordinal != 0)
        {
            return QueueUse.Escapes;
        }

        switch (method.Name)
        {
            case "Post":
                write = call;
                return QueueUse.TryWrite;
            case "SendAsync":
                write = call;
                return QueueUse.WaitingWrite;
            case "LinkTo":
                return call.Arguments.Length > 2 && call.Arguments[call.Arguments.Length - 1].Parameter?.Name == "predicate" ? QueueUse.FilteredRead : QueueUse.Read;
            case "Receive":
            case "ReceiveAsync":
            case "TryReceive":
            case "ReceiveAllAsync":
            case "OutputAvailableAsync":
                return QueueUse.Read;
            default:
                return QueueUse.Escapes;
        }
    }

    /// <summary>
    /// A queue held in a local whose every write runs at most once (no loop, lambda or local function around it) and which
    /// never leaves the function: the number of items it can ever hold is the number of write sites.
    /// </summary>
    /// <summary>
    /// The unbounded queue is one branch of a choice whose other branch makes a bounded one
    /// (<c>limit is null ? Channel.CreateUnbounded&lt;T&gt;() : Channel.CreateBounded&lt;T&gt;(limit.Value)</c>, or the same
    /// with <c>if</c>/<c>else</c>): the program's configuration chose no limit on purpose.
    /// </summary>
    public static bool IsConfiguredChoice(UnboundedQueue queue)
    {
        IOperation child = queue.Creation;
        for (var parent = child.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (parent is IConditionalOperation conditional)
            {
                var other = ReferenceEquals(conditional.WhenTrue, child) ? conditional.WhenFalse
                    : ReferenceEquals(conditional.WhenFalse, child) ? conditional.WhenTrue
                    : null;
                return other is not null && MakesABoundedQueue(other, queue.Kind);
            }

            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyOperation or IBlockOperation { Parent: not IConditionalOperation })
            {
                return false; // the choice must be the statement or expression that makes the queue
            }
        }

        return false;
    }

    private static bool MakesABoundedQueue(IOperation branch, QueueKind kind)
    {
        foreach (var operation in branch.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod.Name: "CreateBounded" } when kind == QueueKind.Channel:
                    return true;
                case IObjectCreationOperation creation when kind != QueueKind.Channel && HasCapacity(creation):
                    return true;
            }
        }

        return false;
    }

    /// <summary>A collection or block created with a capacity: an <c>int</c> argument or a <c>BoundedCapacity</c> in its options.</summary>
    private static bool HasCapacity(IObjectCreationOperation creation)
    {
        foreach (var argument in creation.Arguments)
        {
            if (argument.Value.Type?.SpecialType == SpecialType.System_Int32)
            {
                return true;
            }

            if (argument.Value.WithoutConversions() is IObjectCreationOperation { Initializer: { } initializer } && CapacityIn(initializer) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The queue behind a <c>TaskScheduler</c> (handed to a scheduler's constructor, or a field of one): <c>QueueTask</c>
    /// must accept every task it is given, so a capacity could only block or drop the runtime's own work.
    /// </summary>
    public static bool BacksATaskScheduler(UnboundedQueue queue, KnownSymbols types)
    {
        if (types.TaskScheduler is null)
        {
            return false;
        }

        if (queue.Creation.ParentSkippingConversions() is IArgumentOperation { Parent: IObjectCreationOperation owner }
            && KnownSymbols.InheritsFrom(owner.Type, types.TaskScheduler))
        {
            return true;
        }

        return StorageOf(queue.Creation) is IFieldSymbol field && KnownSymbols.InheritsFrom(field.ContainingType, types.TaskScheduler);
    }

    public static bool HasBoundedProducer(UnboundedQueue queue, KnownSymbols types)
    {
        if (StorageOf(queue.Creation) is not ILocalSymbol local)
        {
            return false;
        }

        var root = ScopeRoot(queue.Creation);
        foreach (var operation in root.Descendants())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            switch (Classify(reference, queue.Kind, types, out var write))
            {
                case QueueUse.Neutral:
                case QueueUse.Read:
                case QueueUse.FilteredRead:
                    continue;
                case QueueUse.WaitingWrite:
                case QueueUse.TryWrite:
                    if (write is null || RunsRepeatedly(write, root))
                    {
                        return false;
                    }

                    continue;
                case QueueUse.Escapes when WriterAlias(reference) is { } alias:
                    if (!WritesThroughAliasRunOnce(alias, root))
                    {
                        return false;
                    }

                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    private static bool WritesThroughAliasRunOnce(ILocalSymbol alias, IOperation root)
    {
        foreach (var operation in root.Descendants())
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, alias))
            {
                switch (ClassifyWriterUse(reference, out var write))
                {
                    case QueueUse.Neutral:
                        continue;
                    case QueueUse.TryWrite or QueueUse.WaitingWrite when write is not null && !RunsRepeatedly(write, root):
                        continue;
                    default:
                        return false;
                }
            }
        }

        return true;
    }

    /// <summary>Whether a loop, lambda or local function lies between the operation and the function root.</summary>
    private static bool RunsRepeatedly(IOperation operation, IOperation root)
    {
        for (var current = operation.Parent; current is not null && !ReferenceEquals(current, root); current = current.Parent)
        {
            if (current is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The nearest lambda or local function around the operation, else the top of its operation tree.</summary>
    private static IOperation ScopeRoot(IOperation operation)
    {
        var current = operation;
        while (current.Parent is { } parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return parent;
            }

            current = parent;
        }

        return current;
    }

    /// <summary>The body of the member (or the top of the operation tree) that holds the operation.</summary>
    public static IOperation FunctionRoot(IOperation operation)
    {
        var current = operation;
        while (current.Parent is { } parent)
        {
            current = parent;
        }

        return current;
    }

    private static IArgumentOperation? FirstArgument(IEnumerable<IArgumentOperation> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument;
            }
        }

        return null;
    }

    private static string TypeArgument(ITypeSymbol type) =>
        type is INamedTypeSymbol { TypeArguments.Length: > 0 } named ? (named.TypeArguments.Length == 1 ? "T" : "TInput, TOutput") : "T";

    /// <summary>Where the squiggle goes: the member access of a static call, the type of a creation.</summary>
    public static Location SquiggleLocation(IOperation creation)
    {
        switch (creation.Syntax)
        {
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }:
                return access.GetLocation();
            case ObjectCreationExpressionSyntax objectCreation:
                return objectCreation.Type.GetLocation();
            default:
                return creation.Syntax.GetLocation();
        }
    }
}
