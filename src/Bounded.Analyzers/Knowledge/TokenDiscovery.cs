using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.Analyzers;

/// <summary>A CancellationToken the code at some position can read, written the way the fix will write it.</summary>
internal readonly struct TokenCandidate
{
    public TokenCandidate(string expression, bool isParameter, bool isMember = false)
    {
        Expression = expression;
        IsParameter = isParameter;
        IsMember = isMember;
    }

    /// <summary><c>stoppingToken</c>, <c>_cts.Token</c>, <c>HttpContext.RequestAborted</c>.</summary>
    public string Expression { get; }

    public bool IsParameter { get; }

    /// <summary>A field or property of the type (tier 3), not a token the running code was handed.</summary>
    public bool IsMember { get; }
}

/// <summary>
/// Finds the tokens in scope at a position, shared by the BND2xxx analyzers (for the message) and fixers. Tiers,
/// first non-empty tier wins: the CancellationToken parameters of the nearest enclosing lambda, local function or
/// method that has any; then token (or token-source) locals declared before the position; then fields and
/// properties of the containing type, directly or one member deep (<c>_cts.Token</c>,
/// <c>HttpContext.RequestAborted</c>, <c>_lifetime.ApplicationStopping</c>), filtered for accessibility and
/// static context.
/// </summary>
internal static class TokenDiscovery
{
    /// <summary>
    /// The tokens that fit detached work started at <paramref name="node"/>: never a request's (the work outlives the
    /// request, see <see cref="RequestScope"/>), and for long-running work only those that outlive a call (a member, a
    /// local source, a service's stopping token), never the token of the call that starts it.
    /// </summary>
    public static ImmutableArray<TokenCandidate> ForWork(SemanticModel model, SyntaxNode node, bool longRunning, CancellationToken cancellationToken) =>
        Find(model, node, cancellationToken, skipCallScoped: longRunning, skipRequestScoped: true);

    public static ImmutableArray<TokenCandidate> Find(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken, bool skipCallScoped = false, bool skipRequestScoped = false)
    {
        var types = KnownSymbols.GetOrCreate(model.Compilation);
        var tokenType = types.CancellationToken;
        var sourceType = types.CancellationTokenSource;
        if (tokenType is null)
        {
            return ImmutableArray<TokenCandidate>.Empty;
        }

        var result = ImmutableArray.CreateBuilder<TokenCandidate>();
        var position = node.SpanStart;
        var isStatic = false;
        var capturesOuter = true;
        SyntaxNode? scopeEnd = null;

        // 1. Parameters of the nearest function that has token parameters (a static function ends the search for outer ones).
        for (var current = node.Parent; current is not null && capturesOuter; current = current.Parent)
        {
            if (current is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax))
            {
                continue;
            }

            var symbol = current is AnonymousFunctionExpressionSyntax
                ? model.GetSymbolInfo(current, cancellationToken).Symbol as IMethodSymbol
                : model.GetDeclaredSymbol(current, cancellationToken) as IMethodSymbol;
            if (symbol is not null)
            {
                var requestScoped = (bool?)null;
                foreach (var parameter in symbol.Parameters)
                {
                    if (SymbolEqualityComparer.Default.Equals(parameter.Type, tokenType) && !string.IsNullOrEmpty(parameter.Name) && parameter.Name != "_")
                    {
                        if (skipRequestScoped && (requestScoped ??= RequestScope.IsPerRequestHandler(symbol, current, model, types, cancellationToken)))
                        {
                            continue;
                        }

                        // The token of an asynchronous operation belongs to it; work that outlives the operation skips it.
                        var callScoped = IsAsynchronousOperation(symbol, types) && !IsServiceLifetime(symbol, types);
                        if (!(skipCallScoped && callScoped))
                        {
                            result.Add(new TokenCandidate(EscapeIdentifier(parameter.Name), isParameter: true));
                        }
                    }
                }

                // 1b. A token carried by a parameter (context.CancellationToken of a message or actor framework's context).
                if (result.Count == 0 && requestScoped != true)
                {
                    foreach (var parameter in symbol.Parameters)
                    {
                        AddCarriedToken(parameter, symbol, model, position, types, skipCallScoped, skipRequestScoped, result);
                    }

                    if (result.Count > 0 && skipRequestScoped && (requestScoped ??= RequestScope.IsPerRequestHandler(symbol, current, model, types, cancellationToken)))
                    {
                        result.Clear();
                    }
                }

                if (result.Count > 0)
                {
                    return result.ToImmutable();
                }

                if (current is AnonymousFunctionExpressionSyntax lambda && lambda.Modifiers.Any(SyntaxKind.StaticKeyword)
                    || current is LocalFunctionStatementSyntax local && local.Modifiers.Any(SyntaxKind.StaticKeyword))
                {
                    capturesOuter = false;
                }
            }

            if (current is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax)
            {
                isStatic = symbol?.IsStatic ?? false;
                scopeEnd = current;
                break;
            }
        }

        if (!capturesOuter)
        {
            return result.ToImmutable();
        }

        // 2. Locals declared before the position, in declaration order (found through the syntax around the position:
        // LookupSymbols would list every type and namespace in scope).
        var locals = new List<ILocalSymbol>();
        CollectLocalsBefore(model, node, scopeEnd, tokenType, sourceType, locals, cancellationToken);
        locals.Sort((a, b) => DeclarationStart(a).CompareTo(DeclarationStart(b)));
        foreach (var local in locals)
        {
            result.Add(new TokenCandidate(
                SymbolEqualityComparer.Default.Equals(local.Type, tokenType) ? EscapeIdentifier(local.Name) : EscapeIdentifier(local.Name) + ".Token",
                isParameter: false));
        }

        if (result.Count > 0)
        {
            return result.ToImmutable();
        }

        // 3. Members of the containing type, directly or one member deep.
        if (model.GetEnclosingSymbol(position, cancellationToken)?.ContainingType is not { } containingType)
        {
            return result.ToImmutable();
        }

        if (scopeEnd is null && IsInStaticMember(node))
        {
            isStatic = true;
        }

        var direct = new List<string>();
        var deep = new List<string>();
        var seen = new HashSet<string>();
        for (INamedTypeSymbol? type = containingType; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                if (!IsReadableMember(member, out var memberType) || (isStatic && !member.IsStatic) || !seen.Add(member.Name)
                    || !model.IsAccessible(position, member) || IsBeingInitialised(member, node))
                {
                    continue;
                }

                if (SymbolEqualityComparer.Default.Equals(memberType, tokenType))
                {
                    direct.Add(EscapeIdentifier(member.Name));
                    continue;
                }

                if (memberType is null || memberType.TypeKind is TypeKind.Enum || memberType.SpecialType != SpecialType.None || memberType.IsType(types.TaskFactory) || memberType.IsType(types.GenericTaskFactory))
                {
                    continue; // a TaskFactory's CancellationToken is what its StartNew already uses
                }

                foreach (var inner in memberType.GetMembers())
                {
                    if (!inner.IsStatic && IsReadableMember(inner, out var innerType)
                        && SymbolEqualityComparer.Default.Equals(innerType, tokenType)
                        && model.IsAccessible(position, inner)
                        && !SignalsAnEndedPhase(memberType, inner, types)
                        && !(skipRequestScoped && RequestScope.IsRequestToken(memberType, inner, types)))
                    {
                        deep.Add(EscapeIdentifier(member.Name) + "." + EscapeIdentifier(inner.Name));
                    }
                }
            }
        }

        foreach (var expression in direct.Count > 0 ? direct : deep)
        {
            result.Add(new TokenCandidate(expression, isParameter: false, isMember: true));
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// The token a parameter carries, one member deep (<c>context.CancellationToken</c>): the caller handed it with the
    /// parameter, so it has the call's lifetime. Not the token of an exception (it reports a cancellation that already
    /// happened), of a task factory (its StartNew already uses it), an ended host phase, or a request's for detached work.
    /// </summary>
    private static void AddCarriedToken(IParameterSymbol parameter, IMethodSymbol function, SemanticModel model, int position, KnownSymbols types, bool skipCallScoped, bool skipRequestScoped, ImmutableArray<TokenCandidate>.Builder result)
    {
        var type = parameter.Type;
        if (string.IsNullOrEmpty(parameter.Name) || parameter.Name == "_" || parameter.RefKind == RefKind.Out
            || type.TypeKind is TypeKind.Enum or TypeKind.TypeParameter or TypeKind.Delegate || type.SpecialType != SpecialType.None
            || type.IsType(types.CancellationToken) || type.IsType(types.TaskFactory) || type.IsType(types.GenericTaskFactory)
            || KnownSymbols.InheritsFrom(type, types.Exception))
        {
            return;
        }

        if (skipCallScoped && IsAsynchronousOperation(function, types) && !IsServiceLifetime(function, types))
        {
            return; // the parameter belongs to the operation, like a token parameter of it would
        }

        foreach (var member in type.GetMembers())
        {
            if (!member.IsStatic && IsReadableMember(member, out var memberType)
                && SymbolEqualityComparer.Default.Equals(memberType, types.CancellationToken)
                && model.IsAccessible(position, member)
                && !SignalsAnEndedPhase(type, member, types)
                && !(skipRequestScoped && RequestScope.IsRequestToken(type, member, types)))
            {
                result.Add(new TokenCandidate(EscapeIdentifier(parameter.Name) + "." + EscapeIdentifier(member.Name), isParameter: true));
            }
        }
    }

    /// <summary>
    /// An async function or one that returns an awaitable: its token is for that operation, which ends when its task
    /// does (<c>ConnectAsync(ct)</c>, <c>StartAsync(ct)</c>). A synchronous <c>Start(CancellationToken)</c> that only
    /// starts work hands its token to that work.
    /// </summary>
    private static bool IsAsynchronousOperation(IMethodSymbol method, KnownSymbols types) => method.IsAsync || types.IsAwaitable(method.ReturnType);

    /// <summary>An override of <c>BackgroundService.ExecuteAsync</c>: its token is cancelled when the service stops.</summary>
    private static bool IsServiceLifetime(IMethodSymbol method, KnownSymbols types)
    {
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (overridden.Name == "ExecuteAsync" && overridden.ContainingType.IsType(types.BackgroundService))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>ApplicationStarted</c> and <c>ApplicationStopped</c> of the host lifetime: one is cancelled as soon as startup
    /// completes, the other after everything has stopped. Neither is a stop signal for work (<c>ApplicationStopping</c> is).
    /// </summary>
    private static bool SignalsAnEndedPhase(ITypeSymbol owner, ISymbol token, KnownSymbols types) =>
        (owner.IsType(types.HostApplicationLifetime) || owner.IsType(types.ObsoleteApplicationLifetime))
        && token.Name is "ApplicationStarted" or "ApplicationStopped";

    /// <summary>"'stoppingToken'" or "'a' or 'b'", for messages.</summary>
    public static string Describe(ImmutableArray<TokenCandidate> candidates)
    {
        var text = "";
        for (var i = 0; i < candidates.Length; i++)
        {
            text += (i == 0 ? "" : i == candidates.Length - 1 ? " or " : ", ") + "'" + candidates[i].Expression + "'";
        }

        return text;
    }

    /// <summary>Token and token-source locals declared in the blocks, <c>for</c>, <c>using</c> and <c>foreach</c> headers around the node, before it.</summary>
    private static void CollectLocalsBefore(SemanticModel model, SyntaxNode node, SyntaxNode? scopeEnd, INamedTypeSymbol tokenType, INamedTypeSymbol? sourceType, List<ILocalSymbol> locals, CancellationToken cancellationToken)
    {
        var position = node.SpanStart;
        for (SyntaxNode? current = node; current is not null && current != scopeEnd && current is not BaseTypeDeclarationSyntax; current = current.Parent)
        {
            switch (current.Parent)
            {
                case BlockSyntax block:
                    AddDeclaredBefore(block.Statements, position);
                    break;
                case SwitchSectionSyntax section:
                    AddDeclaredBefore(section.Statements, position);
                    break;
                case ForStatementSyntax { Declaration: { } declaration } when current != declaration:
                    AddDeclarators(declaration);
                    break;
                case UsingStatementSyntax { Declaration: { } declaration } when current != declaration:
                    AddDeclarators(declaration);
                    break;
                case ForEachStatementSyntax forEach when current == forEach.Statement:
                    if (model.GetDeclaredSymbol(forEach, cancellationToken) is ILocalSymbol variable)
                    {
                        Add(variable);
                    }

                    break;
            }
        }

        void AddDeclaredBefore(SyntaxList<StatementSyntax> statements, int before)
        {
            foreach (var statement in statements)
            {
                if (statement.Span.End > before)
                {
                    break;
                }

                if (statement is LocalDeclarationStatementSyntax local)
                {
                    AddDeclarators(local.Declaration);
                }
            }
        }

        void AddDeclarators(VariableDeclarationSyntax declaration)
        {
            foreach (var variable in declaration.Variables)
            {
                if (model.GetDeclaredSymbol(variable, cancellationToken) is ILocalSymbol local)
                {
                    Add(local);
                }
            }
        }

        void Add(ILocalSymbol local)
        {
            if (SymbolEqualityComparer.Default.Equals(local.Type, tokenType)
                || (sourceType is not null && SymbolEqualityComparer.Default.Equals(local.Type, sourceType)))
            {
                locals.Add(local);
            }
        }
    }

    private static int DeclarationStart(ISymbol symbol) =>
        symbol.DeclaringSyntaxReferences.Length > 0 ? symbol.DeclaringSyntaxReferences[0].Span.Start : 0;

    private static bool IsReadableMember(ISymbol member, out ITypeSymbol? type)
    {
        switch (member)
        {
            case IFieldSymbol field when !field.IsImplicitlyDeclared:
                type = field.Type;
                return true;
            case IPropertySymbol property when !property.IsIndexer && property.GetMethod is not null:
                type = property.Type;
                return true;
            default:
                type = null;
                return false;
        }
    }

    /// <summary>A field initialiser cannot read the field it initialises.</summary>
    private static bool IsBeingInitialised(ISymbol member, SyntaxNode node)
    {
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == node.SyntaxTree && reference.Span.Contains(node.Span))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInStaticMember(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is MemberDeclarationSyntax member and not BaseTypeDeclarationSyntax)
            {
                return member.Modifiers.Any(SyntaxKind.StaticKeyword) || member.Modifiers.Any(SyntaxKind.ConstKeyword);
            }
        }

        return false;
    }

    private static string EscapeIdentifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
