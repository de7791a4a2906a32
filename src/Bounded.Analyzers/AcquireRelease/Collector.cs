using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.AcquireRelease;

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
internal static partial class AcquireReleaseAnalysis
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

    public static List<Resource> Collect(IOperation function, KnownSymbols types, ResourceKind kind, CancellationToken cancellationToken)
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
                AddRent(invocation, function, types, createdPools, resources);
            }
            else if (kind == ResourceKind.SemaphoreSlot && types.IsWait(invocation.TargetMethod))
            {
                AddWait(invocation, types, resources);
            }
            else if (kind == ResourceKind.MemoryOwner && types.IsMemoryRent(invocation.TargetMethod))
            {
                AddOwnerRent(invocation, function, resources);
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

    private static void CollectCreatedPools(List<IOperation> direct, KnownSymbols types, List<ILocalSymbol> pools)
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

    private static object? PoolOf(IInvocationOperation call, KnownSymbols types, List<ILocalSymbol> createdPools)
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

    private static void AddRent(IInvocationOperation rent, IOperation function, KnownSymbols types, List<ILocalSymbol> createdPools, List<Resource> resources)
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

        if (local is null || local.Type is not IArrayTypeSymbol || local.IsRef || IsDeclaredOutside(local, function))
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

    /// <summary>
    /// A variable of an enclosing function, assigned in a lambda or local function: the enclosing function owns what
    /// it holds (its <c>finally</c> may return whatever the variable holds last), so ownership is unclear here, as for
    /// any captured variable.
    /// </summary>
    private static bool IsDeclaredOutside(ILocalSymbol local, IOperation function)
    {
        var span = function.Syntax.Span;
        foreach (var declaration in local.DeclaringSyntaxReferences)
        {
            if (!span.Contains(declaration.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>var owner = pool.Rent(n);</c> (or an assignment to a local): the owner must be disposed on every path. One
    /// declared with <c>using</c> is disposed by the language and is not tracked.
    /// </summary>
    private static void AddOwnerRent(IInvocationOperation rent, IOperation function, List<Resource> resources)
    {
        ILocalSymbol? local = null;
        switch (rent.ParentSkippingConversions())
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
                when declarator.Parent?.Parent is not IUsingDeclarationOperation && declarator.Parent?.Parent?.Parent is not IUsingOperation:
                local = declarator.Symbol;
                break;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when ReferenceEquals(assignment.Value.WithoutConversions(), rent):
                local = target.Local;
                break;
        }

        if (local is null || local.IsRef || local.IsUsing || IsDeclaredOutside(local, function))
        {
            return;
        }

        var resource = Find(resources, local);
        if (resource is null)
        {
            resource = new Resource(local, ResourceKind.MemoryOwner, pool: null);
            resources.Add(resource);
        }

        resource.Acquires.Add(rent);
        resource.Events.Add(new FlowEvent(resource, FlowEventKind.Acquire, rent));
    }

    /// <summary>
    /// A reference to a rented owner: <c>owner.Dispose()</c> releases it (guarded under a null test or <c>?.</c>); reading
    /// <c>owner.Memory</c> uses it; anything that hands the owner on (an argument, a store, a return, a capture,
    /// <c>using (owner)</c>) gives its disposal to someone else, and the function is not judged.
    /// </summary>
    private static void ClassifyOwnerReference(ILocalReferenceOperation reference, IOperation function, Resource resource, bool isNested)
    {
        if (isNested)
        {
            resource.Failed = true;
            return;
        }

        var outer = Outermost(reference);
        switch (outer.Parent)
        {
            case IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0 } call when ReferenceEquals(call.Instance, outer):
                AddRelease(resource, call, function);
                return;
            case IConditionalAccessOperation { WhenNotNull: IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0, Instance: IConditionalAccessInstanceOperation } call } access
                when ReferenceEquals(access.Operation, outer):
                AddRelease(resource, call, function);
                return;
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, outer):
                ClassifyReassignment(assignment, resource);
                return;
            case IPropertyReferenceOperation property when ReferenceEquals(property.Instance, outer):
                AddUse(resource, reference);
                return;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                when IsNull(comparison.LeftOperand) || IsNull(comparison.RightOperand):
            case IIsPatternOperation:
            case IIsNullOperation:
                return;
            default:
                resource.Failed = true; // handed on: passed, stored, returned, wrapped, or disposed by a using statement
                return;
        }
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

    private static void AddWait(IInvocationOperation wait, KnownSymbols types, List<Resource> resources)
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

        return Awaiting.AwaitOf(wait);
    }

    /// <summary>
    /// A wait that can end without a slot while the semaphore stays usable: it takes a token or a timeout. A wait with
    /// neither fails only with <see cref="System.ObjectDisposedException"/>, and then the finally's Release throws it too:
    /// no slot is given back that was never taken.
    /// </summary>
    internal static bool CanFailWithTheSemaphoreIntact(IInvocationOperation wait, KnownSymbols types)
    {
        foreach (var argument in wait.Arguments)
        {
            var value = argument.Value.WithoutConversions();
            var noToken = types.IsToken(value.Type)
                && (value is IDefaultValueOperation || value is IPropertyReferenceOperation { Property.Name: "None", Property.IsStatic: true });
            if (!argument.IsImplicit && !noToken)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A <c>SemaphoreSlim</c> wait, or the await of one, that cannot fail with the semaphore intact
    /// (<see cref="CanFailWithTheSemaphoreIntact"/>): no path of the flow starts with it throwing.
    /// </summary>
    private static bool IsWaitThatCannotFail(IOperation operation, KnownSymbols types)
    {
        if (operation is IAwaitOperation awaited)
        {
            operation = Awaiting.AwaitedCall(awaited);
        }

        return operation is IInvocationOperation wait && types.IsWait(wait.TargetMethod) && !CanFailWithTheSemaphoreIntact(wait, types);
    }

    internal static bool ReturnsBool(IInvocationOperation wait, KnownSymbols types)
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

    private static void ClassifyReference(IOperation operation, IOperation function, KnownSymbols types, List<Resource> resources, bool isNested)
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
        else if (resource.Kind == ResourceKind.MemoryOwner)
        {
            ClassifyOwnerReference((ILocalReferenceOperation)operation, function, resource, isNested);
        }
        else
        {
            ClassifySemaphoreReference(operation, function, types, resource, isNested);
        }
    }

    private static void ClassifyArrayReference(ILocalReferenceOperation reference, IOperation function, KnownSymbols types, Resource resource, bool isNested)
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
                ClassifyReassignment(assignment, resource);
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
                            AddRelease(resource, call, function);
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
                else if (!(argument.Parent is IObjectCreationOperation { Type: var created }
                    && (created?.SpecialType == SpecialType.System_String || types.IsSpan(created))))
                {
                    // A constructor may keep the array (a string or a span does not; another ref struct may hold it in a field).
                    resource.PossiblyOwned = true;
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
                if (outer.Parent is IConversionOperation || (outer is IConversionOperation conversion && !types.IsView(conversion.Type) && conversion.Type is not IArrayTypeSymbol))
                {
                    resource.PossiblyOwned = true;
                }

                AddUse(resource, reference);
                return;
        }
    }

    /// <summary>
    /// The local is assigned: the acquire itself (<c>buffer = pool.Rent(n)</c>), a reset (<c>buffer = null</c>), or
    /// something else, after which the analysis no longer knows what the local holds.
    /// </summary>
    private static void ClassifyReassignment(ISimpleAssignmentOperation assignment, Resource resource)
    {
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

    /// <summary>A release of the resource; guarded when it sits under a null test or flag, or is made with <c>?.</c>.</summary>
    private static void AddRelease(Resource resource, IInvocationOperation call, IOperation function)
    {
        resource.Releases.Add(call);
        resource.Events.Add(new FlowEvent(resource, IsGuarded(call, function, resource.Symbol) ? FlowEventKind.GuardedRelease : FlowEventKind.Release, call));
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

    private static void ClassifySemaphoreReference(IOperation reference, IOperation function, KnownSymbols types, Resource resource, bool isNested)
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

                    AddRelease(resource, call, function);
                }

                return;
            case IConditionalAccessOperation { WhenNotNull: IInvocationOperation { Instance: IConditionalAccessInstanceOperation } call } access
                when ReferenceEquals(access.Operation, outer) && types.IsRelease(call.TargetMethod):
                if (isNested || call.Arguments.Length != 0)
                {
                    resource.Failed = true;
                    return;
                }

                AddRelease(resource, call, function); // `gate?.Release()`: released when the semaphore exists
                return;
            case IPropertyReferenceOperation:
                return;
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, outer) && reference is ILocalReferenceOperation && !isNested:
                return; // `gate = PickGate();`: the local names the semaphore it will wait on
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
    internal static bool IsGuarded(IOperation release, IOperation function, ISymbol resource) => GuardOf(release, function, resource) != Guard.None;

    /// <summary>
    /// The release is guarded only by a null test of the resource (<c>s?.Release()</c>, <c>if (s != null)</c>): that
    /// says a semaphore exists, not that its slot was taken. After a wait on <c>s</c> throws, <c>s</c> is not null.
    /// </summary>
    internal static bool IsGuardedOnlyByNullTest(IOperation release, IOperation function, ISymbol resource) => GuardOf(release, function, resource) == Guard.NullTest;

    private enum Guard
    {
        None,
        NullTest,
        Flag,
    }

    private static Guard GuardOf(IOperation release, IOperation function, ISymbol resource)
    {
        var found = Guard.None;
        var child = release;
        for (var parent = release.Parent; parent is not null && !ReferenceEquals(parent, function); child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, child) && IsGuard(conditional.Condition, resource, out var isFlag):
                    if (isFlag)
                    {
                        return Guard.Flag;
                    }

                    found = Guard.NullTest;
                    break;
                case IConditionalAccessOperation:
                    found = Guard.NullTest;
                    break;
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                    return found;
            }
        }

        return found;
    }

    private static bool IsGuard(IOperation condition, ISymbol resource, out bool isFlag)
    {
        isFlag = false;
        condition = condition.WithoutConversions();
        while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            condition = not.Operand.WithoutConversions();
        }

        switch (condition)
        {
            // A `taken`/`returned` flag is a local; a field or parameter (`if (_shuttingDown)`) is a condition of its own.
            case ILocalReferenceOperation when condition.Type?.SpecialType == SpecialType.System_Boolean:
                isFlag = true;
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
}
