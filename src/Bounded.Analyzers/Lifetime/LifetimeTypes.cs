using System.Collections.Generic;
using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Lifetime;

/// <summary>The types the BND2xxx rules need, resolved once per compilation.</summary>
internal sealed class LifetimeTypes
{
    private LifetimeTypes(Compilation compilation)
    {
        Common = WellKnownTypes.From(compilation);
        CancellationToken = Common.CancellationToken;
        CancellationTokenSource = compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
    }

    public WellKnownTypes Common { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? CancellationTokenSource { get; }
    public INamedTypeSymbol? Thread { get; }

    public static LifetimeTypes From(Compilation compilation) => new(compilation);

    /// <summary>
    /// The registration every BND2xxx analyzer uses: types resolved once per compilation, and nothing registered
    /// when Task or CancellationToken is missing.
    /// </summary>
    public static void Register(AnalysisContext context, Action<OperationAnalysisContext, LifetimeTypes> action, params OperationKind[] kinds)
    {
        context.RegisterCompilationStartAction(start =>
        {
            var types = From(start.Compilation);
            if (types.Common.Task is null || types.CancellationToken is null)
            {
                return;
            }

            start.RegisterOperationAction(c => action(c, types), kinds);
        });
    }

    public bool IsToken(ITypeSymbol? type) => type is not null && SymbolEqualityComparer.Default.Equals(type, CancellationToken);

    public bool IsTokenSource(ITypeSymbol? type) =>
        type is not null && CancellationTokenSource is not null && SymbolEqualityComparer.Default.Equals(type, CancellationTokenSource);

    public bool IsAwaitable(ITypeSymbol? type) => Common.IsTaskType(type) || Common.IsValueTaskType(type);

    /// <summary>
    /// A token value that can actually be cancelled: not <c>default</c>, <c>CancellationToken.None</c> or
    /// <c>new CancellationToken()</c>.
    /// </summary>
    public bool IsLiveToken(IOperation value)
    {
        value = value.WithoutConversions();
        if (!IsToken(value.Type))
        {
            return false;
        }

        return value switch
        {
            IDefaultValueOperation => false,
            IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } } => false,
            IObjectCreationOperation => false,
            _ => true,
        };
    }

    /// <summary>Whether the operation reads a live token or a source's cancellation state anywhere in its tree, nested functions included.</summary>
    public bool ObservesToken(IOperation root) => ObservesToken(root, skipDetachedWork: false);

    /// <summary>
    /// Whether the loop itself reads a token. Work it starts (a lambda, a local function, the token handed to
    /// Task.Run) runs detached from it: a token read only there does not stop the loop.
    /// </summary>
    public bool LoopObservesToken(ILoopOperation loop) => ObservesToken(loop, skipDetachedWork: true);

    private bool ObservesToken(IOperation root, bool skipDetachedWork)
    {
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            switch (operation)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation when skipDetachedWork:
                    continue;
                case IArgumentOperation { Parent: IInvocationOperation spawn } when skipDetachedWork && IsSpawn(spawn.TargetMethod):
                    continue;
                case IParameterReferenceOperation or ILocalReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation or IInvocationOperation
                    when IsToken(operation.Type) && IsLiveToken(operation):
                    return true;
                case IPropertyReferenceOperation { Property.Name: "IsCancellationRequested" } property when IsTokenSource(property.Property.ContainingType):
                    return true;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return false;
    }

    /// <summary>Task.Run, TaskFactory.StartNew and ContinueWith: the token they get belongs to the work they start.</summary>
    private static bool IsSpawn(IMethodSymbol method) =>
        method.Name is "Run" or "StartNew" or "ContinueWith"
        && method.ContainingType?.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";
}
