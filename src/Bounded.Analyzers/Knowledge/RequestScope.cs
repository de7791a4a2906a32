using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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

    /// <summary>
    /// A function whose token parameters are the request's: an instance method of a controller (deriving from
    /// <c>ControllerBase</c>, or marked <c>[Controller]</c>/<c>[ApiController]</c> on itself or a base), page model or hub;
    /// a method or lambda that takes the request (<c>HttpContext</c>: middleware, <c>app.Use</c>; a gRPC
    /// <c>ServerCallContext</c>); a lambda passed to an endpoint-mapping call (<c>MapGet</c>, <c>MapPost</c>, …).
    /// </summary>
    public static bool IsPerRequestHandler(IMethodSymbol function, SyntaxNode syntax, SemanticModel model, KnownSymbols types, System.Threading.CancellationToken cancellationToken)
    {
        if (!HandlesRequests(types))
        {
            return false;
        }

        if (function.MethodKind == MethodKind.Ordinary && !function.IsStatic
            && (KnownSymbols.InheritsFrom(function.ContainingType, types.ControllerBase)
                || KnownSymbols.InheritsFrom(function.ContainingType, types.PageModel)
                || KnownSymbols.InheritsFrom(function.ContainingType, types.Hub)
                || IsMarkedController(function.ContainingType, types)))
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
    public static bool IsInRequestCode(SemanticModel model, SyntaxNode node, KnownSymbols types, System.Threading.CancellationToken cancellationToken)
    {
        if (!HandlesRequests(types))
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
            if (function is not null && IsPerRequestHandler(function, current, model, types, cancellationToken))
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

        var receiver = method.Parameters[0].Type;
        if (SymbolEqualityComparer.Default.Equals(receiver.OriginalDefinition, builder))
        {
            return true;
        }

        foreach (var implemented in receiver.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, builder))
            {
                return true;
            }
        }

        return false;
    }
}
