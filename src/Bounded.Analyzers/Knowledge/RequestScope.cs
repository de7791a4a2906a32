using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

/// <summary>
/// Code a web framework runs once per request, and the tokens that end with the request. A request's token is
/// cancelled when the client disconnects, and its <c>HttpContext</c> is recycled after the response (reading
/// <c>RequestAborted</c> then throws <c>ObjectDisposedException</c>), so work that outlives the request must not
/// observe it.
/// </summary>
internal static class RequestScope
{
    /// <summary>
    /// A token read from the request itself: <c>HttpContext.RequestAborted</c>, a hub's
    /// <c>Context.ConnectionAborted</c>, a gRPC <c>ServerCallContext.CancellationToken</c>.
    /// </summary>
    public static bool IsRequestToken(ITypeSymbol owner, ISymbol token, KnownSymbols types) => token.Name switch
    {
        "RequestAborted" => KnownSymbols.InheritsFrom(owner, types.HttpContext),
        "ConnectionAborted" => KnownSymbols.InheritsFrom(owner, types.HubCallerContext),
        "CancellationToken" => KnownSymbols.InheritsFrom(owner, types.ServerCallContext),
        _ => false,
    };

    private static readonly ConditionalWeakTable<Compilation, HandedOutMethods> HandedOutByCompilation = new();

    /// <summary>Per compilation and tree: the methods each type hands out as handlers (<see cref="HandedOut"/>), read once.</summary>
    private sealed class HandedOutMethods
    {
        public readonly ConcurrentDictionary<SyntaxTree, ConcurrentDictionary<INamedTypeSymbol, ImmutableHashSet<IMethodSymbol>>> ByTree = new();
    }

    /// <summary>
    /// A function whose token parameters are the request's (or the message's): an instance method of a controller
    /// (deriving from <c>ControllerBase</c>, or marked <c>[Controller]</c>/<c>[ApiController]</c> on itself or a base), page
    /// model or hub, or of a type named in <c>bounded.request_handler_types</c> (<paramref name="handlerTypes"/>); a method
    /// or lambda that takes the request (<c>HttpContext</c>: middleware, <c>app.Use</c>; a gRPC <c>ServerCallContext</c>);
    /// a lambda or method group passed to an endpoint-mapping call (<c>MapGet</c>, <c>MapPost</c>, …; a method group only
    /// when the mapping is in the method's own type); a lambda or method a hosted service subscribes to an event (one
    /// call per message).
    /// </summary>
    public static bool IsPerRequestHandler(IMethodSymbol function, SyntaxNode syntax, SemanticModel model, KnownSymbols types, System.Threading.CancellationToken cancellationToken, ImmutableArray<string> handlerTypes = default)
    {
        var namedTypes = !handlerTypes.IsDefaultOrEmpty;
        if (!HandlesRequests(types) && types.HostedService is null && !namedTypes)
        {
            return false;
        }

        if (function.MethodKind == MethodKind.Ordinary && !function.IsStatic
            && (KnownSymbols.InheritsFrom(function.ContainingType, types.ControllerBase)
                || KnownSymbols.InheritsFrom(function.ContainingType, types.PageModel)
                || KnownSymbols.InheritsFrom(function.ContainingType, types.Hub)
                || IsMarkedController(function.ContainingType, types)
                || namedTypes && IsNamedHandlerType(function.ContainingType, handlerTypes)))
        {
            return true;
        }

        if (function.MethodKind == MethodKind.Ordinary && function.ContainingType is { } containingType
            && HandedOut(containingType, model, types, cancellationToken).Contains(function.OriginalDefinition))
        {
            return true;
        }

        if (function.MethodKind == MethodKind.AnonymousFunction && IsSubscribedByHostedService(syntax, model, types, cancellationToken))
        {
            return true;
        }

        foreach (var parameter in function.Parameters)
        {
            if (KnownSymbols.InheritsFrom(parameter.Type, types.HttpContext) || KnownSymbols.InheritsFrom(parameter.Type, types.ServerCallContext))
            {
                return true;
            }
        }

        return function.MethodKind == MethodKind.AnonymousFunction
            && syntax.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } }
            && model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol mapping
            && MapsEndpoints(mapping.ReducedFrom ?? mapping, types);
    }

    /// <summary>Whether <paramref name="node"/> is inside a per-request handler (<see cref="IsPerRequestHandler"/>), looking through nested lambdas.</summary>
    public static bool IsInRequestCode(SemanticModel model, SyntaxNode node, KnownSymbols types, System.Threading.CancellationToken cancellationToken, ImmutableArray<string> handlerTypes = default)
    {
        if (!HandlesRequests(types) && types.HostedService is null && handlerTypes.IsDefaultOrEmpty)
        {
            return false;
        }

        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            var function = current switch
            {
                AnonymousFunctionExpressionSyntax => model.GetSymbolInfo(current, cancellationToken).Symbol as IMethodSymbol,
                LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax => model.GetDeclaredSymbol(current, cancellationToken) as IMethodSymbol,
                _ => null,
            };
            if (function is not null && IsPerRequestHandler(function, current, model, types, cancellationToken, handlerTypes))
            {
                return true;
            }

            if (current is BaseMethodDeclarationSyntax)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>A POCO controller: the type or a base carries <c>[Controller]</c> or an attribute deriving from it (<c>[ApiController]</c>).</summary>
    private static bool IsMarkedController(INamedTypeSymbol? type, KnownSymbols types)
    {
        if (types.ControllerAttribute is null)
        {
            return false;
        }

        for (; type is not null; type = type.BaseType)
        {
            foreach (var attribute in type.GetAttributes())
            {
                if (KnownSymbols.InheritsFrom(attribute.AttributeClass, types.ControllerAttribute))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A type (or a base, an implemented interface, an attribute on it or a base) named in <paramref name="names"/>: its
    /// simple name (<c>IConsumer</c>, <c>MessageHandler</c>; an attribute also without its <c>Attribute</c> suffix) or
    /// its namespace-qualified name without type arguments (<c>MassTransit.IConsumer</c>).
    /// </summary>
    private static bool IsNamedHandlerType(INamedTypeSymbol? type, ImmutableArray<string> names)
    {
        if (type is null)
        {
            return false;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (IsNamed(implemented, names))
            {
                return true;
            }
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (!ReferenceEquals(current, type) && IsNamed(current, names))
            {
                return true;
            }

            foreach (var attribute in current.GetAttributes())
            {
                if (attribute.AttributeClass is { } attributeClass && IsNamed(attributeClass, names))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsNamed(INamedTypeSymbol type, ImmutableArray<string> names)
    {
        var name = type.Name;
        var qualified = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
        foreach (var wanted in names)
        {
            if (wanted == name || wanted == qualified
                || name.EndsWith("Attribute", System.StringComparison.Ordinal)
                    && (wanted + "Attribute" == name || wanted + "Attribute" == qualified))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The methods a type hands to a framework as method groups to be called per request or message: passed to an
    /// endpoint mapping (<c>app.MapPost("/orders", Place)</c>) in a method that receives the route builder, or
    /// subscribed to an event by a hosted service (<c>_consumer.Received += OnReceived</c>). Read from the type's
    /// declarations in the tree being analyzed (a mapping in another file is not seen), once per type, tree and
    /// compilation; a type that neither maps nor hosts is not read.
    /// </summary>
    private static ImmutableHashSet<IMethodSymbol> HandedOut(INamedTypeSymbol type, SemanticModel model, KnownSymbols types, System.Threading.CancellationToken cancellationToken)
    {
        var byType = HandedOutByCompilation.GetValue(model.Compilation, static _ => new HandedOutMethods()).ByTree
            .GetOrAdd(model.SyntaxTree, static _ => new ConcurrentDictionary<INamedTypeSymbol, ImmutableHashSet<IMethodSymbol>>(SymbolEqualityComparer.Default));
        if (byType.TryGetValue(type, out var known))
        {
            return known;
        }

        var found = ImmutableHashSet.CreateBuilder<IMethodSymbol>(SymbolEqualityComparer.Default);
        var hosted = IsHostedService(type, types);
        var maps = MapsEndpointsItself(type, types);
        if (!hosted && !maps)
        {
            byType.TryAdd(type, ImmutableHashSet<IMethodSymbol>.Empty); // nothing to read: most types
            return ImmutableHashSet<IMethodSymbol>.Empty;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                continue;
            }

            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                // Syntax first (a call named Map…, a += of a method name), symbols to decide.
                if (maps && node is InvocationExpressionSyntax invocation && IsNamedLikeAMapping(invocation))
                {
                    foreach (var argument in invocation.ArgumentList.Arguments)
                    {
                        if (argument.Expression is IdentifierNameSyntax or MemberAccessExpressionSyntax
                            && MethodGroup(argument.Expression, model, cancellationToken) is { } mapped
                            && model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol mapping
                            && MapsEndpoints(mapping.ReducedFrom ?? mapping, types))
                        {
                            found.Add(mapped.OriginalDefinition);
                        }
                    }
                }
                else if (hosted && node is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression, Right: IdentifierNameSyntax or MemberAccessExpressionSyntax } subscription
                    && MethodGroup(subscription.Right, model, cancellationToken) is { } handler
                    && model.GetSymbolInfo(subscription.Left, cancellationToken).Symbol is IEventSymbol)
                {
                    found.Add(handler.OriginalDefinition);
                }
            }
        }

        var result = found.ToImmutable();
        byType.TryAdd(type, result);
        return result;
    }

    /// <summary>
    /// Whether a method of the type receives an endpoint route builder (<c>WebApplication</c>, <c>RouteGroupBuilder</c>,
    /// <c>IEndpointRouteBuilder</c>) to map onto: only such a type's syntax is read for mappings.
    /// </summary>
    private static bool MapsEndpointsItself(INamedTypeSymbol type, KnownSymbols types)
    {
        if (types.EndpointRouteBuilder is not { } builder)
        {
            return false;
        }

        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol method)
            {
                foreach (var parameter in method.Parameters)
                {
                    if (IsOrImplements(parameter.Type, builder))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool IsNamedLikeAMapping(InvocationExpressionSyntax invocation)
    {
        var name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            _ => "",
        };
        return name.StartsWith("Map", System.StringComparison.Ordinal);
    }

    /// <summary>The method a method-group expression converts to a delegate, or null.</summary>
    private static IMethodSymbol? MethodGroup(ExpressionSyntax expression, SemanticModel model, System.Threading.CancellationToken cancellationToken) =>
        model.GetOperation(expression, cancellationToken) switch
        {
            IMethodReferenceOperation { Method: { } method } => method,
            { Parent: IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: { } target } } } => target,
            _ => null,
        };

    /// <summary>A lambda a hosted service subscribes to an event (<c>consumer.Received += async (_, message) =&gt; …</c>).</summary>
    private static bool IsSubscribedByHostedService(SyntaxNode lambda, SemanticModel model, KnownSymbols types, System.Threading.CancellationToken cancellationToken)
    {
        var parent = lambda.Parent;
        while (parent is ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            parent = parent.Parent;
        }

        return parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression } subscription
            && model.GetSymbolInfo(subscription.Left, cancellationToken).Symbol is IEventSymbol
            && model.GetEnclosingSymbol(subscription.SpanStart, cancellationToken)?.ContainingType is { } owner
            && IsHostedService(owner, types);
    }

    private static bool IsHostedService(INamedTypeSymbol type, KnownSymbols types) =>
        types.HostedService is { } hostedService && IsOrImplements(type, hostedService);

    /// <summary>
    /// A loop whose body accepts a connection or request (<c>TcpListener.AcceptTcpClientAsync</c>,
    /// <c>Socket.AcceptAsync</c>, <c>HttpListener.GetContextAsync</c>): its body runs once per connection.
    /// </summary>
    public static bool AcceptsConnections(ILoopOperation loop, KnownSymbols types)
    {
        if (types.TcpListener is null && types.Socket is null && types.HttpListener is null)
        {
            return false;
        }

        foreach (var operation in loop.Body.Descendants())
        {
            if (operation is IInvocationOperation { TargetMethod: { ContainingType: { } owner } method }
                && (SymbolEqualityComparer.Default.Equals(owner, types.TcpListener) && method.Name.StartsWith("Accept", System.StringComparison.Ordinal)
                    || SymbolEqualityComparer.Default.Equals(owner, types.Socket) && method.Name is "Accept" or "AcceptAsync"
                    || SymbolEqualityComparer.Default.Equals(owner, types.HttpListener) && method.Name is "GetContext" or "GetContextAsync"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the compilation references a request-handling framework at all; nothing is per request otherwise.</summary>
    public static bool HandlesRequests(KnownSymbols types) =>
        types.HttpContext is not null || types.ServerCallContext is not null || types.HubCallerContext is not null;

    /// <summary>An endpoint-mapping extension: its receiver is an <c>IEndpointRouteBuilder</c>.</summary>
    private static bool MapsEndpoints(IMethodSymbol method, KnownSymbols types)
    {
        if (types.EndpointRouteBuilder is not { } builder || !method.IsExtensionMethod || method.Parameters.Length == 0)
        {
            return false;
        }

        return IsOrImplements(method.Parameters[0].Type, builder);
    }

    private static bool IsOrImplements(ITypeSymbol type, INamedTypeSymbol @interface)
    {
        if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, @interface))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, @interface))
            {
                return true;
            }
        }

        return false;
    }
}
