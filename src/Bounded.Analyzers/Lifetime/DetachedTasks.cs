using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Lifetime;

/// <summary>What kind of detached work a fire-and-forget site starts.</summary>
internal enum DetachedKind
{
    None,

    /// <summary><c>Task.Run</c>, <c>Task.Factory.StartNew</c>.</summary>
    Spawn,

    /// <summary><c>new Task(...).Start()</c>.</summary>
    Start,

    /// <summary>A discarded or unawaited call that returns a task.</summary>
    Call,
}

/// <summary>Recognises BND2001's fire-and-forget sites and decides whether their work receives a token.</summary>
internal static class DetachedTasks
{
    /// <summary>
    /// The call a statement starts and drops: <c>_ = X(...)</c>, <c>X(...);</c> (X returning a task), or
    /// <c>new Task(...).Start();</c>. <paramref name="call"/> is the call that starts the work.
    /// </summary>
    public static DetachedKind Classify(IOperation statementValue, KnownSymbols types, out IInvocationOperation? call)
    {
        call = null;
        var value = statementValue;
        var discarded = false;
        if (value is ISimpleAssignmentOperation { Target: IDiscardOperation } discard)
        {
            value = discard.Value;
            discarded = true;
        }

        value = value.WithoutConversions();
        if (value is not IInvocationOperation invocation)
        {
            return DetachedKind.None;
        }

        var method = invocation.TargetMethod;
        if (method.Name == "ConfigureAwait" && invocation.Instance?.WithoutConversions() is IInvocationOperation configured && types.IsAwaitable(configured.Type))
        {
            invocation = configured;
            method = invocation.TargetMethod;
        }

        // `task.ObserveErrors()`, `SaveAsync().WithTimeout(t)`: a helper that takes the task as its `this`
        // argument and hands back a task. It starts nothing: the work is the task it receives.
        if (method.IsExtensionMethod && invocation.Arguments.Length > 0 && types.IsAwaitable(method.Parameters[0].Type)
            && types.IsAwaitable(invocation.Type) && !AcceptsToken(method, types))
        {
            var receiver = invocation.Arguments[0].Value.WithoutConversions();
            if (receiver is not IInvocationOperation started || !types.IsAwaitable(started.Type))
            {
                return DetachedKind.None; // a task started and kept elsewhere: that is where its lifetime is decided
            }

            invocation = started;
            method = invocation.TargetMethod;
        }

        var start = WorkStarts.Recognize(invocation, types);
        if (start.Kind == WorkStartKind.TaskStart && !discarded && invocation.Instance?.WithoutConversions() is IObjectCreationOperation)
        {
            call = invocation;
            return DetachedKind.Start;
        }

        if (!types.IsAwaitable(invocation.Type) || method.Name is "ContinueWith") // a continuation's lifetime is its antecedent's
        {
            return DetachedKind.None;
        }

        if (method is { IsStatic: true, Name: "FromResult" or "FromException" or "FromCanceled" } && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Task))
        {
            return DetachedKind.None; // an already-completed task: nothing was started
        }

        call = invocation;
        if (start.IsTaskSpawn)
        {
            return DetachedKind.Spawn;
        }

        return DetachedKind.Call;
    }

    /// <summary>The arguments that carry the work: the <c>new Task(...)</c> ones for <c>.Start()</c>, else the call's.</summary>
    private static ImmutableArray<IArgumentOperation> WorkArguments(DetachedKind kind, IInvocationOperation call) =>
        kind == DetachedKind.Start && call.Instance?.WithoutConversions() is IObjectCreationOperation creation
            ? creation.Arguments
            : call.Arguments;

    /// <summary>Whether the detached work gets a live token: as an argument, or read inside the lambda that is the work.</summary>
    public static bool ReceivesToken(DetachedKind kind, IInvocationOperation call, KnownSymbols types)
    {
        var arguments = WorkArguments(kind, call);

        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                continue;
            }

            if (types.ObservesToken(argument.Value) || PassesExplicitNone(argument.Value, types))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>CancellationToken.None</c> written out, as the argument or inside the work's lambda: the author decided
    /// the work must not be cancelled.
    /// </summary>
    private static bool PassesExplicitNone(IOperation root, KnownSymbols types)
    {
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            if (operation is IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } property, IsImplicit: false }
                && types.IsToken(property.ContainingType))
            {
                return true;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return false;
    }

    /// <summary>
    /// <c>Task.Run(work)</c> where <c>work</c> is a delegate the enclosing method received (an awaiter's
    /// continuation, a scheduler's job): the caller's work, whose lifetime the caller decides.
    /// </summary>
    public static bool RunsCallersDelegate(DetachedKind kind, IInvocationOperation call)
    {
        if (kind == DetachedKind.Call)
        {
            return false;
        }

        var arguments = WorkArguments(kind, call);

        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument.Value.WithoutConversions() is IParameterReferenceOperation;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the work observes a token inside a method it hands over or calls: <c>Task.Run(PumpAsync)</c>,
    /// <c>_ = PumpAsync()</c>, <c>Task.Run(() => PumpAsync())</c> where <c>PumpAsync</c>, declared in the same
    /// file and taking no token, reads one (<c>_shutdown.Token</c>). One call deep; other files are not read.
    /// </summary>
    public static bool CalleeObservesToken(DetachedKind kind, IInvocationOperation call, KnownSymbols types, SemanticModel model, CancellationToken cancellationToken)
    {
        if (kind == DetachedKind.Call)
        {
            return BodyObservesToken(call.TargetMethod, types, model, cancellationToken) || RunsOnAnObjectWithItsOwnToken(call, types);
        }

        var arguments = WorkArguments(kind, call);

        var pending = new Stack<IOperation>();
        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue && argument.Value.WithoutConversions() is IDelegateCreationOperation work)
            {
                pending.Push(work.Target);
            }
        }

        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            var callee = operation switch
            {
                IMethodReferenceOperation reference => reference.Method,
                IInvocationOperation invocation => invocation.TargetMethod,
                _ => null,
            };
            if (callee is not null && BodyObservesToken(callee, types, model, cancellationToken))
            {
                return true;
            }

            if (operation is IInvocationOperation onObject && RunsOnAnObjectWithItsOwnToken(onObject, types))
            {
                return true;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return false;
    }

    /// <summary>
    /// <c>replayTask.RunAsync()</c> where the object's type (declared in the project) holds a token or a token source of
    /// its own: the work runs on a component whose owner stops it through that token, and a token of the caller would
    /// be a second, unrelated lifetime. Only for another object and a method that takes no token: work on <c>this</c> is
    /// judged by its body, and a method that takes one is given it.
    /// </summary>
    private static bool RunsOnAnObjectWithItsOwnToken(IInvocationOperation call, KnownSymbols types)
    {
        if (call.Instance is null or IInstanceReferenceOperation || call.TargetMethod.IsStatic || AcceptsToken(call.TargetMethod, types))
        {
            return false; // a method that takes a token is given the caller's (context.RespondAsync(reply, token))
        }

        for (var type = call.TargetMethod.ContainingType; type is not null && type.Locations.Length > 0 && type.Locations[0].IsInSource; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                var memberType = member switch
                {
                    IFieldSymbol { IsStatic: false } field => field.Type,
                    IPropertySymbol { IsStatic: false } property => property.Type,
                    _ => null,
                };
                if (types.IsToken(memberType) || types.IsTokenSource(memberType))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether a method without a token parameter, declared in the model's file, reads a live token in its body.</summary>
    private static bool BodyObservesToken(IMethodSymbol method, KnownSymbols types, SemanticModel model, CancellationToken cancellationToken)
    {
        method = method.PartialImplementationPart ?? method.OriginalDefinition;
        if (TokenParameter(method, types) is not null)
        {
            return false; // a token it can be given but was not: reading it inside reads `default`
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == model.SyntaxTree
                && model.GetOperation(reference.GetSyntax(cancellationToken), cancellationToken) is { } body
                && types.ObservesToken(body))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The work a spawn hands over as its first argument: the method of a method group, or the lambda. Both null for
    /// a discarded call (the work is the call) or work of another shape.
    /// </summary>
    private static void HandedOverWork(DetachedKind kind, IInvocationOperation call, out IMethodSymbol? method, out IAnonymousFunctionOperation? lambda)
    {
        method = null;
        lambda = null;
        if (kind == DetachedKind.Call)
        {
            return;
        }

        foreach (var argument in WorkArguments(kind, call))
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                switch (argument.Value.WithoutConversions())
                {
                    case IDelegateCreationOperation { Target: IMethodReferenceOperation reference }:
                        method = reference.Method;
                        return;
                    case IDelegateCreationOperation { Target: IAnonymousFunctionOperation function }:
                        lambda = function;
                        return;
                }
            }
        }
    }

    /// <summary>
    /// Whether the detached work passes the <see cref="WorkLifetime"/> test: the called method, the lambda or method
    /// group handed to <c>Task.Run</c>/<c>StartNew</c>/<c>new Task</c>, or a method that lambda calls directly.
    /// </summary>
    public static bool WorkIs(DetachedKind kind, IInvocationOperation call, bool unstoppable)
    {
        if (kind == DetachedKind.Call)
        {
            return Passes(call.TargetMethod, unstoppable);
        }

        HandedOverWork(kind, call, out var method, out var lambda);
        if (method is not null)
        {
            return Passes(method, unstoppable);
        }

        if (lambda is null)
        {
            return false;
        }

        if (unstoppable ? WorkLifetime.IsUnstoppable(lambda.Syntax) : WorkLifetime.IsLongRunning(lambda.Syntax))
        {
            return true;
        }

        foreach (var operation in lambda.Body.Descendants())
        {
            if (operation is IInvocationOperation inner && Passes(inner.TargetMethod, unstoppable))
            {
                return true;
            }
        }

        return false;

        static bool Passes(IMethodSymbol method, bool unstoppable) => unstoppable ? WorkLifetime.IsUnstoppable(method) : WorkLifetime.IsLongRunning(method);
    }

    /// <summary>
    /// Whether the work itself could honour a token: the called method takes one (or has an overload that does), or
    /// the delegate handed to <c>Task.Run</c> calls something that does or loops (and can check it each iteration).
    /// The token of <c>Task.Run</c> alone is no evidence: it only stops work that has not started, which for a
    /// completion hand-off leaves its waiter hanging.
    /// </summary>
    public static bool WorkCanTakeToken(DetachedKind kind, IInvocationOperation call, KnownSymbols types)
    {
        if (kind == DetachedKind.Call)
        {
            return AcceptsToken(call.TargetMethod, types);
        }

        HandedOverWork(kind, call, out var method, out var lambda);
        if (method is not null)
        {
            return AcceptsToken(method, types);
        }

        if (lambda is null)
        {
            return false;
        }

        foreach (var operation in lambda.Body.Descendants())
        {
            if (operation is ILoopOperation || (operation is IInvocationOperation inner && AcceptsToken(inner.TargetMethod, types)))
            {
                return true; // a loop can check the token on every iteration
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the called work is given an explicit time limit (a <c>TimeSpan</c> argument: <c>Ask(msg, timeout)</c>,
    /// <c>WaitAsync(timeout)</c>): it ends by itself within it, so a token would only end it sooner.
    /// </summary>
    public static bool IsTimeBounded(DetachedKind kind, IInvocationOperation call, KnownSymbols types)
    {
        if (kind != DetachedKind.Call)
        {
            return false;
        }

        foreach (var argument in call.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue && argument.Value.Type.IsType(types.TimeSpan))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the call has an omitted token parameter or an overload that adds one.</summary>
    public static bool AcceptsToken(IMethodSymbol method, KnownSymbols types) =>
        TokenParameter(method, types) is not null || TokenOverload(method, types) is not null;

    /// <summary>The method's own CancellationToken parameter.</summary>
    public static IParameterSymbol? TokenParameter(IMethodSymbol method, KnownSymbols types)
    {
        foreach (var parameter in method.Parameters)
        {
            if (types.IsToken(parameter.Type))
            {
                return parameter;
            }
        }

        return null;
    }

    /// <summary>An accessible overload with the same parameters plus a trailing CancellationToken.</summary>
    public static IMethodSymbol? TokenOverload(IMethodSymbol method, KnownSymbols types)
    {
        var original = method.OriginalDefinition;
        if (original.ContainingType is not { } type)
        {
            return null;
        }

        foreach (var member in type.GetMembers(original.Name))
        {
            if (member is not IMethodSymbol candidate || candidate.IsStatic != original.IsStatic
                || candidate.Parameters.Length != original.Parameters.Length + 1
                || candidate.TypeParameters.Length != original.TypeParameters.Length
                || !types.IsToken(candidate.Parameters[candidate.Parameters.Length - 1].Type))
            {
                continue;
            }

            var same = true;
            for (var i = 0; i < original.Parameters.Length && same; i++)
            {
                same = original.Parameters[i].Type.ToDisplayString() == candidate.Parameters[i].Type.ToDisplayString()
                    && original.Parameters[i].RefKind == candidate.Parameters[i].RefKind;
            }

            if (same)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Whether the user declared the method as taking ownership of the task (<c>bounded.task_ownership_methods</c>).</summary>
    public static bool IsOwnershipMethod(IMethodSymbol method, ImmutableArray<string> ownershipMethods)
    {
        if (ownershipMethods.IsDefaultOrEmpty)
        {
            return false;
        }

        var type = method.ContainingType;
        foreach (var entry in ownershipMethods)
        {
            var dot = entry.LastIndexOf('.');
            if (dot < 0)
            {
                if (string.Equals(entry, method.Name, StringComparison.Ordinal))
                {
                    return true;
                }

                continue;
            }

            if (!string.Equals(entry.Substring(dot + 1), method.Name, StringComparison.Ordinal) || type is null)
            {
                continue;
            }

            var typeName = entry.Substring(0, dot);
            if (string.Equals(typeName, type.Name, StringComparison.Ordinal)
                || string.Equals(typeName, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted).WithGenericsOptions(SymbolDisplayGenericsOptions.None)), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The name the message uses for the site.</summary>
    public static string DisplayName(DetachedKind kind, IInvocationOperation call) => kind switch
    {
        DetachedKind.Spawn => call.TargetMethod.Name == "Run" ? "Task.Run" : "Task.Factory.StartNew",
        DetachedKind.Start => "Task.Start",
        _ when call.TargetMethod.MethodKind == MethodKind.DelegateInvoke && call.Syntax is InvocationExpressionSyntax invocation => invocation.Expression switch
        {
            IdentifierNameSyntax name => name.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            _ => call.TargetMethod.Name,
        },
        _ => call.TargetMethod.Name,
    };

    public static Location Location(IInvocationOperation call) =>
        call.Syntax is InvocationExpressionSyntax { Expression: IdentifierNameSyntax or GenericNameSyntax } simple
            ? simple.Expression.GetLocation()
            : UnboundedTaskSpawnAnalyzer.SquiggleLocation(call);
}
