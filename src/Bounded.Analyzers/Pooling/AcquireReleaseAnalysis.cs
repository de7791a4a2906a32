using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Pooling;

internal enum ResourceKind
{
    /// <summary>An array rented from <c>ArrayPool&lt;T&gt;.Shared</c> or a local <c>ArrayPool&lt;T&gt;.Create()</c>, held in a local.</summary>
    RentedArray,

    /// <summary>A slot of a <c>SemaphoreSlim</c> held in a local, parameter, static field or field of <c>this</c>.</summary>
    SemaphoreSlot,
}

internal enum FlowEventKind
{
    Acquire,

    /// <summary><c>if (sem.Wait(timeout))</c>: the slot is taken only where the condition is true.</summary>
    ConditionalAcquire,
    Release,

    /// <summary>A release under a condition (<c>if (buffer != null)</c>, <c>if (taken)</c>): never reported as a double release.</summary>
    GuardedRelease,
    Use,

    /// <summary><c>buffer = null</c>.</summary>
    Reset,
}

internal sealed class FlowEvent
{
    public FlowEvent(Resource resource, FlowEventKind kind, IOperation operation)
    {
        Resource = resource;
        Kind = kind;
        Operation = operation;
    }

    public Resource Resource { get; }
    public FlowEventKind Kind { get; }

    /// <summary>The operation in the original tree; the graph's copy is matched by syntax and kind.</summary>
    public IOperation Operation { get; }
}

/// <summary>One thing that is acquired and must be released within one function, with what the analysis found.</summary>
internal sealed class Resource
{
    public Resource(ISymbol symbol, ResourceKind kind, object? pool)
    {
        Symbol = symbol;
        Kind = kind;
        Pool = pool;
    }

    public ISymbol Symbol { get; }
    public ResourceKind Kind { get; }

    /// <summary>The pool an array came from (the constructed ArrayPool type for Shared, or the local holding a created pool).</summary>
    public object? Pool { get; }

    public List<FlowEvent> Events { get; } = new();

    /// <summary>Rent calls, or the Wait/WaitAsync calls.</summary>
    public List<IInvocationOperation> Acquires { get; } = new();

    /// <summary>Return calls, or Release calls, in this function.</summary>
    public List<IInvocationOperation> Releases { get; } = new();

    /// <summary>References to the array other than the Return argument.</summary>
    public List<ILocalReferenceOperation> Uses { get; } = new();

    /// <summary>Ownership is unclear (stored, aliased, captured, passed by ref, returned, released elsewhere): report nothing.</summary>
    public bool Failed { get; set; }

    /// <summary>The array is handed to code that may keep it, so a missing Return may be intended.</summary>
    public bool PossiblyOwned { get; set; }

    /// <summary>A path returns an object constructed around the array: ownership leaves with it (returned only on failure).</summary>
    public bool ReturnedInsideAnObject { get; set; }

    public bool NormalLeak { get; set; }

    /// <summary>The call or throw that leaves the function while the resource is held (not counting code in a finally).</summary>
    public SyntaxNode? ExposedBy { get; set; }

    /// <summary>
    /// A release can run before any acquire on its path: the function gives back a slot its caller holds
    /// (release, call out, wait again) or signals with the semaphore.
    /// </summary>
    public bool ReleasedBeforeAcquire { get; set; }

    public List<SyntaxNode> DoubleReleases { get; } = new();
    public List<SyntaxNode> ReleasesWithoutAcquire { get; } = new();
    public List<SyntaxNode> UsesAfterRelease { get; } = new();

    /// <summary>Uses reached while the array may be held; null when the control-flow analysis did not run (the canonical shape, where every use is).</summary>
    public HashSet<SyntaxNode>? UsesWhileHeld { get; set; }

    internal void Add(List<SyntaxNode> list, SyntaxNode node)
    {
        if (!list.Contains(node))
        {
            list.Add(node);
        }
    }
}

/// <summary>
/// The acquire/release analysis shared by the ArrayPool rules (BND3002–BND3004) and the SemaphoreSlim rule (BND1004).
/// <para>
/// <see cref="Collect"/> finds, in one function's operation tree, the arrays rented into locals and the semaphores
/// waited on, and classifies every reference; anything whose ownership is unclear is marked <see cref="Resource.Failed"/>.
/// <see cref="Flow"/> then walks the function's control-flow graph with a may-state per resource (not yet acquired,
/// held, released), following <c>finally</c> regions on every branch that leaves a <c>try</c>, and exceptions from
/// calls and throws to the enclosing <c>catch</c>/<c>finally</c> regions or out of the function.
/// </para>
/// </summary>
internal static class AcquireReleaseAnalysis
{
    internal const int Unacquired = 1;
    internal const int Held = 2;
    internal const int Released = 4;

    /// <summary>Set together with <see cref="Unacquired"/> until the first acquire or reset on the path.</summary>
    internal const int Initial = 8;

    /// <summary>The lambda, local function or operation block whose body holds <paramref name="operation"/>.</summary>
    public static IOperation FunctionOf(IOperation operation)
    {
        var current = operation;
        for (var parent = operation.Parent; parent is not null; current = parent, parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return parent;
            }
        }

        return current;
    }

    // ---------------------------------------------------------------- collection over the operation tree

    public static List<Resource> Collect(IOperation function, PoolingTypes types, ResourceKind kind, CancellationToken cancellationToken)
    {
        var resources = new List<Resource>();
        var direct = new List<IOperation>();
        var nested = new List<IOperation>();
        var unanalysable = false;
        Walk(function, function, direct, nested, ref unanalysable);

        var createdPools = new List<ILocalSymbol>();
        if (kind == ResourceKind.RentedArray)
        {
            CollectCreatedPools(direct, types, createdPools);
        }

        foreach (var operation in direct)
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            if (kind == ResourceKind.RentedArray && types.IsRent(invocation.TargetMethod))
            {
                AddRent(invocation, types, createdPools, resources);
            }
            else if (kind == ResourceKind.SemaphoreSlot && types.IsWait(invocation.TargetMethod))
            {
                AddWait(invocation, types, resources);
            }
        }

        if (resources.Count == 0)
        {
            return resources;
        }

        cancellationToken.ThrowIfCancellationRequested();
        foreach (var operation in direct)
        {
            ClassifyReference(operation, function, types, resources, isNested: false);
        }

        foreach (var operation in nested)
        {
            ClassifyReference(operation, function, types, resources, isNested: true);
        }

        foreach (var resource in resources)
        {
            if (unanalysable)
            {
                resource.Failed = true;
            }

            // A semaphore this function never releases is handed to someone else (a releaser object, a spawned task).
            if (resource.Kind == ResourceKind.SemaphoreSlot && resource.Releases.Count == 0)
            {
                resource.Failed = true;
            }
        }

        return resources;
    }

    /// <summary>Pre-order walk; operations inside nested lambdas and local functions go to <paramref name="nested"/>.</summary>
    private static void Walk(IOperation root, IOperation function, List<IOperation> direct, List<IOperation> nested, ref bool unanalysable)
    {
        var stack = new Stack<(IOperation Operation, bool Nested)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (operation, isNested) = stack.Pop();
            if (isNested)
            {
                nested.Add(operation);
            }
            else
            {
                direct.Add(operation);
                if (operation is IReturnOperation { Kind: OperationKind.YieldReturn or OperationKind.YieldBreak } or IInvalidOperation)
                {
                    unanalysable = true; // iterators suspend instead of returning; code with errors is still being typed
                }
            }

            var childNested = isNested || (!ReferenceEquals(operation, function) && operation is IAnonymousFunctionOperation or ILocalFunctionOperation);
            foreach (var child in operation.ChildOperations)
            {
                stack.Push((child, childNested));
            }
        }
    }

    private static void CollectCreatedPools(List<IOperation> direct, PoolingTypes types, List<ILocalSymbol> pools)
    {
        foreach (var operation in direct)
        {
            if (operation is IVariableDeclaratorOperation { Initializer.Value: { } value } declarator
                && value.WithoutConversions() is IInvocationOperation { TargetMethod: { Name: "Create", IsStatic: true } create }
                && create.IsMethodOf(types.ArrayPool, "Create"))
            {
                pools.Add(declarator.Symbol);
            }
        }

        // A pool local that is assigned again is no longer known to be the created pool.
        foreach (var operation in direct)
        {
            if (operation is IAssignmentOperation { Target: ILocalReferenceOperation target })
            {
                pools.Remove(target.Local);
            }
        }
    }

    private static object? PoolOf(IInvocationOperation call, PoolingTypes types, List<ILocalSymbol> createdPools)
    {
        switch (call.Instance?.WithoutConversions())
        {
            case IPropertyReferenceOperation { Property: { Name: "Shared", IsStatic: true } shared } when shared.ContainingType.OriginalDefinition.IsType(types.ArrayPool):
                return shared.ContainingType;
            case ILocalReferenceOperation local when createdPools.Contains(local.Local):
                return local.Local;
            default:
                return null;
        }
    }

    private static void AddRent(IInvocationOperation rent, PoolingTypes types, List<ILocalSymbol> createdPools, List<Resource> resources)
    {
        var pool = PoolOf(rent, types, createdPools);
        if (pool is null)
        {
            return;
        }

        ILocalSymbol? local = null;
        switch (rent.ParentSkippingConversions())
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                local = declarator.Symbol;
                break;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when ReferenceEquals(assignment.Value.WithoutConversions(), rent):
                local = target.Local;
                break;
        }

        if (local is null || local.Type is not IArrayTypeSymbol || local.IsRef)
        {
            return;
        }

        var resource = Find(resources, local);
        if (resource is null)
        {
            resource = new Resource(local, ResourceKind.RentedArray, pool);
            resources.Add(resource);
        }
        else if (!Equals(resource.Pool, pool))
        {
            resource.Failed = true;
        }

        resource.Acquires.Add(rent);
        resource.Events.Add(new FlowEvent(resource, FlowEventKind.Acquire, rent));
    }

    /// <summary>The symbol a semaphore call is made on, when it is a local, parameter, static field or field of this.</summary>
    internal static ISymbol? SemaphoreSymbol(IOperation? instance) => instance?.WithoutConversions() switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
        _ => null,
    };

    /// <summary>A field or local declared with <c>new SemaphoreSlim(0)</c> (or <c>new(0, max)</c>): it starts with no slot to take.</summary>
    private static bool IsCreatedEmpty(ISymbol symbol)
    {
        if (symbol is not (IFieldSymbol or ILocalSymbol))
        {
            return false;
        }

        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments } }
                && arguments[0].Expression is LiteralExpressionSyntax { Token.Value: 0 })
            {
                return true;
            }
        }

        return false;
    }

    private static void AddWait(IInvocationOperation wait, PoolingTypes types, List<Resource> resources)
    {
        var symbol = SemaphoreSymbol(wait.Instance);
        if (symbol is null)
        {
            return;
        }

        var resource = Find(resources, symbol);
        if (resource is null)
        {
            resource = new Resource(symbol, ResourceKind.SemaphoreSlot, pool: null)
            {
                Failed = IsCreatedEmpty(symbol), // a signal (producer/consumer), not a lock: waits and releases need not pair
            };
            resources.Add(resource);
        }

        resource.Acquires.Add(wait);
        var acquired = AcquireOperation(wait);
        if (acquired is null)
        {
            resource.Failed = true; // a WaitAsync task that is stored or returned
            return;
        }

        if (!ReturnsBool(wait, types))
        {
            resource.Events.Add(new FlowEvent(resource, FlowEventKind.Acquire, acquired));
            return;
        }

        switch (BoolWaitUse(acquired))
        {
            case BoolWait.Ignored:
                resource.Events.Add(new FlowEvent(resource, FlowEventKind.Acquire, acquired));
                break;
            case BoolWait.Condition:
                resource.Events.Add(new FlowEvent(resource, FlowEventKind.ConditionalAcquire, acquired));
                break;
            default:
                resource.Failed = true; // the result is kept in a variable: the analysis does not follow it
                break;
        }
    }

    /// <summary>The operation after which the slot is held: the call, or the <c>await</c> of a WaitAsync call.</summary>
    internal static IOperation? AcquireOperation(IInvocationOperation wait)
    {
        if (wait.TargetMethod.Name == "Wait")
        {
            return wait;
        }

        IOperation current = wait;
        var parent = current.ParentSkippingConversions();
        if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && ReferenceEquals(configure.Instance?.WithoutConversions(), current))
        {
            current = configure;
            parent = current.ParentSkippingConversions();
        }

        return parent as IAwaitOperation;
    }

    internal static bool ReturnsBool(IInvocationOperation wait, PoolingTypes types)
    {
        var type = wait.TargetMethod.ReturnType;
        if (type.SpecialType == SpecialType.System_Boolean)
        {
            return true;
        }

        return type is INamedTypeSymbol { TypeArguments.Length: 1 } named && named.OriginalDefinition.IsType(types.GenericTask)
            && named.TypeArguments[0].SpecialType == SpecialType.System_Boolean;
    }

    internal enum BoolWait
    {
        Ignored,
        Condition,
        Kept,
    }

    /// <summary>How the bool of a timed wait is used.</summary>
    internal static BoolWait BoolWaitUse(IOperation acquired)
    {
        var current = acquired;
        var parent = current.Parent;
        while (parent is IParenthesizedOperation or IConversionOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        if (parent is IExpressionStatementOperation
            || (parent is ISimpleAssignmentOperation { Target: IDiscardOperation } assignment && ReferenceEquals(assignment.Value, current)))
        {
            return BoolWait.Ignored;
        }

        while (parent is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } or IParenthesizedOperation)
        {
            current = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IConditionalOperation conditional when ReferenceEquals(conditional.Condition, current):
            case IWhileLoopOperation loop when ReferenceEquals(loop.Condition, current):
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr }:
                return BoolWait.Condition;
            default:
                return BoolWait.Kept;
        }
    }

    private static Resource? Find(List<Resource> resources, ISymbol symbol)
    {
        foreach (var resource in resources)
        {
            if (SymbolEqualityComparer.Default.Equals(resource.Symbol, symbol))
            {
                return resource;
            }
        }

        return null;
    }

    private static void ClassifyReference(IOperation operation, IOperation function, PoolingTypes types, List<Resource> resources, bool isNested)
    {
        ISymbol? symbol = operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            _ => null,
        };
        if (symbol is null || Find(resources, symbol) is not { } resource)
        {
            return;
        }

        if (resource.Kind == ResourceKind.RentedArray)
        {
            ClassifyArrayReference((ILocalReferenceOperation)operation, function, types, resource, isNested);
        }
        else
        {
            ClassifySemaphoreReference(operation, function, types, resource, isNested);
        }
    }

    private static void ClassifyArrayReference(ILocalReferenceOperation reference, IOperation function, PoolingTypes types, Resource resource, bool isNested)
    {
        if (isNested)
        {
            resource.Failed = true; // captured by a lambda or local function
            return;
        }

        var outer = Outermost(reference);

        switch (outer.Parent)
        {
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, outer):
                var value = assignment.Value.WithoutConversions();
                if (value is IInvocationOperation rent && resource.Acquires.Contains(rent))
                {
                    return;
                }

                if (value is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } } or IDefaultValueOperation)
                {
                    resource.Events.Add(new FlowEvent(resource, FlowEventKind.Reset, value));
                    return;
                }

                resource.Failed = true;
                return;
            case IArgumentOperation argument:
                if (argument.Parameter is { RefKind: not RefKind.None } || argument.ArgumentKind == ArgumentKind.ParamArray)
                {
                    resource.Failed = true;
                    return;
                }

                if (argument.Parent is IInvocationOperation call)
                {
                    if (types.IsReturn(call.TargetMethod))
                    {
                        if (argument.Parameter?.Ordinal == 0 && Equals(PoolOf(call, types, CreatedPoolOf(resource)), resource.Pool))
                        {
                            resource.Releases.Add(call);
                            resource.Events.Add(new FlowEvent(resource, IsGuarded(call, function, resource.Symbol) ? FlowEventKind.GuardedRelease : FlowEventKind.Release, call));
                        }
                        else
                        {
                            resource.Failed = true; // returned to another pool
                        }

                        return;
                    }

                    if (!IsPlainLibraryCall(call.TargetMethod))
                    {
                        resource.PossiblyOwned = true;
                    }
                }
                else if (argument.Parent is not IObjectCreationOperation { Type: { SpecialType: SpecialType.System_String } or { IsRefLikeType: true } })
                {
                    resource.PossiblyOwned = true; // a constructor may keep the array (a string or a span does not)
                    if (argument.Parent is IObjectCreationOperation wrapper && wrapper.ParentSkippingConversions() is IReturnOperation)
                    {
                        resource.ReturnedInsideAnObject = true; // `return new PooledStream(buffer, n);`: the caller owns it now
                    }
                }

                AddUse(resource, reference);
                return;
            case IReturnOperation:
            case IVariableInitializerOperation:
            case IAssignmentOperation:
            case IArrayInitializerOperation:
            case ITupleOperation:
            case ICoalesceOperation:
            case IConditionalOperation { Condition: var condition } when !ReferenceEquals(condition, outer):
            case IAnonymousObjectCreationOperation:
            case IInterpolationOperation:
                resource.Failed = true;
                return;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                when IsNull(comparison.LeftOperand) || IsNull(comparison.RightOperand):
            case IIsPatternOperation:
            case IIsNullOperation:
                return;
            default:
                if (outer.Parent is IConversionOperation || (outer is IConversionOperation conversion && !types.IsSliceType(conversion.Type) && conversion.Type is not IArrayTypeSymbol))
                {
                    resource.PossiblyOwned = true;
                }

                AddUse(resource, reference);
                return;
        }
    }

    /// <summary>The operation itself, or the outermost conversion or parentheses around it.</summary>
    internal static IOperation Outermost(IOperation operation)
    {
        while (operation.Parent is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static List<ILocalSymbol> CreatedPoolOf(Resource resource)
    {
        var list = new List<ILocalSymbol>(1);
        if (resource.Pool is ILocalSymbol local)
        {
            list.Add(local);
        }

        return list;
    }

    private static void AddUse(Resource resource, ILocalReferenceOperation reference)
    {
        resource.Uses.Add(reference);
        resource.Events.Add(new FlowEvent(resource, FlowEventKind.Use, reference));
    }

    private static bool IsNull(IOperation operand) =>
        operand.WithoutConversions() is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } };

    /// <summary>A method of the base library that reads or fills an array but does not keep it (collections keep it).</summary>
    private static bool IsPlainLibraryCall(IMethodSymbol method)
    {
        var ns = method.ContainingType?.ContainingNamespace?.ToDisplayString() ?? "";
        if (!(ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal)) || ns.StartsWith("System.Collections", System.StringComparison.Ordinal))
        {
            return false;
        }

        // AsMemory and ArraySegment views can be stored and outlive the call.
        return method.Name != "AsMemory";
    }

    private static void ClassifySemaphoreReference(IOperation reference, IOperation function, PoolingTypes types, Resource resource, bool isNested)
    {
        if (reference is IFieldReferenceOperation { Instance: not (null or IInstanceReferenceOperation) })
        {
            return; // another object's field of the same name
        }

        var outer = Outermost(reference);

        switch (outer.Parent)
        {
            case IInvocationOperation call when ReferenceEquals(call.Instance, outer):
                if (types.IsRelease(call.TargetMethod))
                {
                    if (isNested || call.Arguments.Length != 0)
                    {
                        resource.Failed = true; // released by another function (ownership handed off) or by a count
                        return;
                    }

                    resource.Releases.Add(call);
                    resource.Events.Add(new FlowEvent(resource, IsGuarded(call, function, resource.Symbol) ? FlowEventKind.GuardedRelease : FlowEventKind.Release, call));
                }

                return;
            case IPropertyReferenceOperation:
                return;
            case IArgumentOperation:
            case ISimpleAssignmentOperation:
            case IVariableInitializerOperation:
            case IReturnOperation:
                resource.Failed = true; // handed to someone who may release it
                return;
        }
    }

    /// <summary>
    /// Whether the release sits under a guard: a null test of the resource (<c>if (buffer != null)</c>) or a bool flag
    /// (<c>if (taken)</c>, <c>if (!returned)</c>). A guarded release is never reported as a double release.
    /// </summary>
    internal static bool IsGuarded(IOperation release, IOperation function, ISymbol resource)
    {
        var child = release;
        for (var parent = release.Parent; parent is not null && !ReferenceEquals(parent, function); child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, child) && IsGuard(conditional.Condition, resource):
                case IConditionalAccessOperation:
                    return true;
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                    return false;
            }
        }

        return false;
    }

    private static bool IsGuard(IOperation condition, ISymbol resource)
    {
        condition = condition.WithoutConversions();
        while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            condition = not.Operand.WithoutConversions();
        }

        switch (condition)
        {
            // A `taken`/`returned` flag is a local; a field or parameter (`if (_shuttingDown)`) is a condition of its own.
            case ILocalReferenceOperation when condition.Type?.SpecialType == SpecialType.System_Boolean:
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                return (IsNull(comparison.LeftOperand) && Names(comparison.RightOperand, resource))
                    || (IsNull(comparison.RightOperand) && Names(comparison.LeftOperand, resource));
            case IIsPatternOperation pattern:
                return Names(pattern.Value, resource);
            case IIsNullOperation isNull:
                return Names(isNull.Operand, resource);
            default:
                return false;
        }
    }

    private static bool Names(IOperation operation, ISymbol symbol) => operation.WithoutConversions() switch
    {
        ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
        IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol),
        IFieldReferenceOperation field => SymbolEqualityComparer.Default.Equals(field.Field, symbol),
        _ => false,
    };

    private static bool Calls(IOperation operation)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is IInvocationOperation or IAwaitOperation)
            {
                return true;
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- flow over the control-flow graph

    /// <summary>Runs the may-state analysis for every resource that is not <see cref="Resource.Failed"/>.</summary>
    public static void Flow(ControlFlowGraph graph, List<Resource> resources, PoolingTypes types, CancellationToken cancellationToken)
    {
        var events = new Dictionary<SyntaxNode, FlowEvent>();
        foreach (var resource in resources)
        {
            if (resource.Failed)
            {
                continue;
            }

            foreach (var flowEvent in resource.Events)
            {
                var key = flowEvent.Operation.Syntax;
                if (events.TryGetValue(key, out var existing))
                {
                    existing.Resource.Failed = true;
                    resource.Failed = true;
                    continue;
                }

                events.Add(key, flowEvent);
            }
        }

        var blocks = graph.Blocks;
        var items = new List<Item>[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var list = new List<Item>();
            foreach (var operation in blocks[i].Operations)
            {
                Collect(operation, events, types, list, inBranch: false, branchRoot: null);
            }

            if (blocks[i].BranchValue is { } branchValue)
            {
                Collect(branchValue, events, types, list, inBranch: true, branchRoot: branchValue);
            }

            items[i] = list;
        }

        foreach (var resource in resources)
        {
            if (!resource.Failed)
            {
                new FlowRun(graph, items, resource, cancellationToken).Execute();
            }
        }
    }

    private readonly struct Item
    {
        public Item(FlowEvent? flowEvent, SyntaxNode? throwing, bool negated, bool inBranch)
        {
            Event = flowEvent;
            Throwing = throwing;
            Negated = negated;
            InBranch = inBranch;
        }

        public FlowEvent? Event { get; }

        /// <summary>A call or await that may throw before the event (if any) happens.</summary>
        public SyntaxNode? Throwing { get; }

        /// <summary>The branch value is the negation of a conditional acquire.</summary>
        public bool Negated { get; }

        public bool InBranch { get; }
    }

    /// <summary>Post-order (evaluation order) walk of one graph operation, skipping lambda bodies.</summary>
    private static void Collect(IOperation operation, Dictionary<SyntaxNode, FlowEvent> events, PoolingTypes types, List<Item> items, bool inBranch, IOperation? branchRoot)
    {
        if (operation is IFlowAnonymousFunctionOperation)
        {
            return;
        }

        foreach (var child in operation.ChildOperations)
        {
            Collect(child, events, types, items, inBranch, branchRoot);
        }

        FlowEvent? flowEvent = null;
        if (events.TryGetValue(operation.Syntax, out var candidate) && candidate.Operation.Kind == operation.Kind)
        {
            flowEvent = candidate;
        }

        var throwing = MayThrow(operation, types) && flowEvent?.Kind is not (FlowEventKind.Release or FlowEventKind.GuardedRelease) ? operation.Syntax : null;
        if (flowEvent is null && throwing is null)
        {
            return;
        }

        var negated = false;
        if (flowEvent?.Kind == FlowEventKind.ConditionalAcquire && inBranch && !ReferenceEquals(operation, branchRoot))
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not })
                {
                    negated = !negated;
                }
                else if (parent is not (IConversionOperation or IParenthesizedOperation))
                {
                    flowEvent.Resource.Failed = true;
                    break;
                }

                if (ReferenceEquals(parent, branchRoot))
                {
                    break;
                }
            }
        }

        items.Add(new Item(flowEvent, throwing, negated, inBranch));
    }

    private static bool MayThrow(IOperation operation, PoolingTypes types)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                var name = method.Name;
                if (name is "ConfigureAwait" or "AsSpan" or "AsMemory" or "Slice" or "ToString" or "GetHashCode" or "Equals"
                    || (name is "Rent" or "Return" && method.ContainingType?.Name == "ArrayPool"))
                {
                    return false; // cannot fail for a valid argument (renting only fails when memory runs out)
                }

                return !types.IsMemoryPrimitive(method.ContainingType)
                    && !(name == "KeepAlive" && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.GC));
            case IObjectCreationOperation creation:
                return !types.IsMemoryPrimitive(creation.Type as INamedTypeSymbol);
            case IAwaitOperation:
            case IDynamicInvocationOperation:
            case IDynamicObjectCreationOperation:
                return true;
            default:
                return false;
        }
    }

    /// <summary>One resource's may-state analysis over one graph.</summary>
    private sealed class FlowRun
    {
        private readonly ControlFlowGraph _graph;
        private readonly List<Item>[] _items;
        private readonly Resource _resource;
        private readonly CancellationToken _cancellationToken;
        private readonly int[] _in;
        private readonly Queue<int> _work = new();
        private readonly bool[] _queued;
        private readonly Dictionary<ControlFlowRegion, int[]> _finallyResults = new();

        public FlowRun(ControlFlowGraph graph, List<Item>[] items, Resource resource, CancellationToken cancellationToken)
        {
            _graph = graph;
            _items = items;
            _resource = resource;
            _cancellationToken = cancellationToken;
            _in = new int[graph.Blocks.Length];
            _queued = new bool[graph.Blocks.Length];
        }

        public void Execute()
        {
            _resource.UsesWhileHeld = new HashSet<SyntaxNode>();
            Join(null, 0, Unacquired | Initial);
            while (_work.Count > 0 && !_resource.Failed)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var ordinal = _work.Dequeue();
                _queued[ordinal] = false;
                Process(ordinal, _in[ordinal], null);
            }
        }

        private sealed class LocalRun
        {
            public LocalRun(ControlFlowRegion region, int blockCount)
            {
                Region = region;
                In = new int[blockCount];
                Queued = new bool[blockCount];
            }

            public ControlFlowRegion Region { get; }
            public int[] In { get; }
            public bool[] Queued { get; }
            public Queue<int> Work { get; } = new();
            public int Result { get; set; }

            public bool Contains(int ordinal) => ordinal >= Region.FirstBlockOrdinal && ordinal <= Region.LastBlockOrdinal;
        }

        private void Join(LocalRun? local, int ordinal, int mask)
        {
            if (local is not null && local.Contains(ordinal))
            {
                var merged = local.In[ordinal] | mask;
                if (merged != local.In[ordinal])
                {
                    local.In[ordinal] = merged;
                    if (!local.Queued[ordinal])
                    {
                        local.Queued[ordinal] = true;
                        local.Work.Enqueue(ordinal);
                    }
                }

                return;
            }

            var old = _in[ordinal];
            if ((old | mask) != old)
            {
                _in[ordinal] = old | mask;
                if (!_queued[ordinal])
                {
                    _queued[ordinal] = true;
                    _work.Enqueue(ordinal);
                }
            }
        }

        private void Process(int ordinal, int mask, LocalRun? local)
        {
            if (mask == 0)
            {
                return;
            }

            var block = _graph.Blocks[ordinal];
            if (block.Kind == BasicBlockKind.Exit)
            {
                if ((mask & Held) != 0)
                {
                    _resource.NormalLeak = true;
                }

                return;
            }

            var conditional = false;
            var negated = false;
            var beforeAcquire = 0;
            foreach (var item in _items[ordinal])
            {
                if (item.Throwing is not null)
                {
                    Raise(block, mask, item.Throwing, local);
                }

                if (item.Event is not { } flowEvent || !ReferenceEquals(flowEvent.Resource, _resource))
                {
                    continue;
                }

                if (flowEvent.Kind == FlowEventKind.ConditionalAcquire)
                {
                    if (!item.InBranch)
                    {
                        _resource.Failed = true;
                        return;
                    }

                    conditional = true;
                    negated = item.Negated;
                    beforeAcquire = mask & ~Initial; // a failed wait: the path waited, without a slot
                    mask = Held;
                    continue;
                }

                mask = Apply(flowEvent, mask);
            }

            var fallMask = mask;
            var conditionalMask = mask;
            if (conditional)
            {
                var acquiredWhenJumping = (block.ConditionKind == ControlFlowConditionKind.WhenTrue) != negated;
                if (acquiredWhenJumping)
                {
                    fallMask = beforeAcquire;
                }
                else
                {
                    conditionalMask = beforeAcquire;
                }
            }

            // `if (buffer != null) Return(buffer);`, `if (taken) sem.Release();`: the edge that skips a guarded release
            // is taken only when nothing is held.
            if (!conditional && block.ConditionalSuccessor is { Destination: { } jumpTarget } && block.FallThroughSuccessor is { Destination: { } fallTarget }
                && block.BranchValue is { } condition && !Calls(condition))
            {
                if (StartsWithGuardedRelease(jumpTarget.Ordinal))
                {
                    fallMask &= ~Held;
                }
                else if (StartsWithGuardedRelease(fallTarget.Ordinal))
                {
                    conditionalMask &= ~Held;
                }
            }

            if (block.ConditionalSuccessor is { } jump)
            {
                Follow(block, jump, conditionalMask, local);
            }

            if (block.FallThroughSuccessor is { } fall)
            {
                Follow(block, fall, fallMask, local);
            }
        }

        private bool StartsWithGuardedRelease(int ordinal)
        {
            foreach (var item in _items[ordinal])
            {
                if (item.Event is { Kind: FlowEventKind.GuardedRelease } flowEvent && ReferenceEquals(flowEvent.Resource, _resource))
                {
                    return true;
                }
            }

            return false;
        }

        private void Follow(BasicBlock block, ControlFlowBranch branch, int mask, LocalRun? local)
        {
            switch (branch.Semantics)
            {
                case ControlFlowBranchSemantics.Throw:
                case ControlFlowBranchSemantics.Rethrow:
                    Raise(block, mask, block.BranchValue?.Syntax ?? block.Operations.LastOrDefaultSyntax(), local);
                    return;
                case ControlFlowBranchSemantics.StructuredExceptionHandling:
                    if (local is not null)
                    {
                        local.Result |= mask;
                    }

                    return;
                case ControlFlowBranchSemantics.ProgramTermination:
                case ControlFlowBranchSemantics.Error:
                    return;
            }

            foreach (var region in branch.FinallyRegions)
            {
                mask = ApplyFinally(region, mask);
            }

            if (branch.Destination is { } destination)
            {
                Join(local, destination.Ordinal, mask);
            }
        }

        private int Apply(FlowEvent flowEvent, int mask)
        {
            var isArray = _resource.Kind == ResourceKind.RentedArray;
            var syntax = flowEvent.Operation.Syntax;
            switch (flowEvent.Kind)
            {
                case FlowEventKind.Acquire:
                    return Held;
                case FlowEventKind.Reset:
                    return Unacquired;
                case FlowEventKind.Use:
                    if ((mask & Released) != 0)
                    {
                        _resource.Add(_resource.UsesAfterRelease, syntax);
                    }

                    if ((mask & Held) != 0)
                    {
                        _resource.UsesWhileHeld?.Add(syntax);
                    }

                    return mask;
                case FlowEventKind.Release:
                    if ((mask & Initial) != 0)
                    {
                        _resource.ReleasedBeforeAcquire = true;
                    }

                    if ((mask & Released) != 0)
                    {
                        _resource.Add(_resource.DoubleReleases, syntax);
                    }

                    // Only a release that is paired on another path: a semaphore released before any wait is a signal.
                    if ((mask & Unacquired) != 0 && (mask & Held) != 0 && !isArray)
                    {
                        _resource.Add(_resource.ReleasesWithoutAcquire, syntax);
                    }

                    var result = (mask & (Held | Released)) != 0 ? Released : 0;
                    if ((mask & Unacquired) != 0)
                    {
                        result |= isArray ? Unacquired : Released;
                    }

                    return result;
                case FlowEventKind.GuardedRelease:
                    return (mask & ~Held) | ((mask & Held) != 0 ? Released : 0);
                default:
                    return mask;
            }
        }

        /// <summary>An exception leaves <paramref name="block"/>: run the finally regions it crosses, reach the catch handlers or leave the function.</summary>
        /// <remarks>
        /// The walk stops at this graph's root region. The root region of a lambda's or local function's graph has the
        /// containing function's region as its <see cref="ControlFlowRegion.EnclosingRegion"/> (a <c>using</c> or
        /// <c>try</c> around the lambda): those regions hold the outer graph's block ordinals, and the exception does not
        /// cross them while this function runs; it leaves this function.
        /// </remarks>
        private void Raise(BasicBlock block, int mask, SyntaxNode? thrower, LocalRun? local)
        {
            var root = _graph.Root;
            var region = block.EnclosingRegion;
            while (region is not null && !ReferenceEquals(region, root))
            {
                if (region.Kind == ControlFlowRegionKind.Try && region.EnclosingRegion is { } parent)
                {
                    if (parent.Kind == ControlFlowRegionKind.TryAndFinally)
                    {
                        mask = ApplyFinally(parent.NestedRegions[1], mask);
                    }
                    else if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
                    {
                        var catchesAll = false;
                        for (var i = 1; i < parent.NestedRegions.Length; i++)
                        {
                            var handler = parent.NestedRegions[i];
                            Join(local, handler.FirstBlockOrdinal, mask);
                            if (handler.Kind == ControlFlowRegionKind.Catch && IsCatchAll(handler.ExceptionType))
                            {
                                catchesAll = true;
                            }
                        }

                        if (catchesAll)
                        {
                            return;
                        }
                    }

                    region = parent.EnclosingRegion;
                    continue;
                }

                region = region.EnclosingRegion;
            }

            // Code that runs before the release in the same finally (`finally { Cleanup(); gate.Release(); }`) is
            // the release-in-finally idiom, not a release that exceptions skip.
            if ((mask & Held) != 0 && _resource.ExposedBy is null && !InFinally(block.EnclosingRegion, root))
            {
                _resource.ExposedBy = thrower;
            }
        }

        private static bool InFinally(ControlFlowRegion? region, ControlFlowRegion root)
        {
            for (; region is not null && !ReferenceEquals(region, root); region = region.EnclosingRegion)
            {
                if (region.Kind == ControlFlowRegionKind.Finally)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsCatchAll(ITypeSymbol? type) =>
            type is null
            || type.SpecialType == SpecialType.System_Object
            || (type.Name == "Exception" && type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true });

        /// <summary>The state after running <paramref name="region"/> (a finally) from <paramref name="mask"/>; memoised per input.</summary>
        private int ApplyFinally(ControlFlowRegion region, int mask)
        {
            if (mask == 0)
            {
                return 0;
            }

            if (!_finallyResults.TryGetValue(region, out var results))
            {
                results = new int[(Unacquired | Held | Released | Initial) + 1];
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = -1;
                }

                _finallyResults.Add(region, results);
            }

            if (results[mask] >= 0)
            {
                return results[mask];
            }

            if (HasCatch(region))
            {
                _resource.Failed = true; // a try/catch inside a finally: not modelled
                results[mask] = mask;
                return mask;
            }

            var local = new LocalRun(region, _graph.Blocks.Length);
            results[mask] = mask; // guards against re-entry while running
            Join(local, region.FirstBlockOrdinal, mask);
            while (local.Work.Count > 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var ordinal = local.Work.Dequeue();
                local.Queued[ordinal] = false;
                Process(ordinal, local.In[ordinal], local);
            }

            results[mask] = local.Result;
            return local.Result;
        }

        private static bool HasCatch(ControlFlowRegion region)
        {
            foreach (var nested in region.NestedRegions)
            {
                if (nested.Kind == ControlFlowRegionKind.TryAndCatch || HasCatch(nested))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static SyntaxNode? LastOrDefaultSyntax(this System.Collections.Immutable.ImmutableArray<IOperation> operations) =>
        operations.IsDefaultOrEmpty ? null : operations[operations.Length - 1].Syntax;
}
