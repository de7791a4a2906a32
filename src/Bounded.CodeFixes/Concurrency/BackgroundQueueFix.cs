using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>
/// BND1005's IDE variant: hand the work to a bounded background queue. The project gets <c>BackgroundWorkQueue.cs</c>
/// once (a bounded channel a handler waits on when it is full, drained by a hosted service with the application's
/// stopping token, failures logged), the handler gets the queue injected (a constructor parameter of its type, or a
/// parameter of a minimal-API lambda), the start becomes <c>await queue.QueueAsync(stoppingToken =&gt; work)</c>, and the
/// queue is registered after the first <c>IServiceCollection</c> call of the project (<c>builder.Services.AddControllers()</c>).
/// Withheld when the registration point cannot be found, when the type cannot take a constructor parameter (several
/// constructors, a primary constructor, a chained one), and for a dropped call whose receiver or arguments could change
/// before the queue runs it (only locals, parameters, literals and readonly fields are captured).
/// </summary>
internal static class BackgroundQueueFix
{
    public const string Key = "Bounded." + RuleIds.SpawnPerRequest + ".BackgroundQueue";

    private const string QueueType = "BackgroundWorkQueue";
    private const string FileName = QueueType + ".cs";
    private const string RegistrationMethod = "AddBackgroundWorkQueue";

    public static async Task<SolutionFix?> PlanAsync(FixContext context, ExpressionStatementSyntax statement, WorkStart start, TypeDeclarationSyntax type, INamedTypeSymbol typeSymbol, KnownSymbols types)
    {
        if (types.ServiceCollection is null || types.BackgroundService is null || types.GenericLogger is null || types.Channel is null
            || ((CSharpParseOptions)statement.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp8
            || Injection(context, statement, type, typeSymbol) is not { } injection)
        {
            return null;
        }

        var tokenName = context.Names.Allocate(statement, "stoppingToken");
        if (QueuedWork(context, start, tokenName, types) is not { } work)
        {
            return null;
        }

        var registration = await FindRegistrationAsync(context.Document.Project, context.CancellationToken).ConfigureAwait(false);
        if (registration.Point is null && !registration.AlreadyRegistered)
        {
            return null; // nowhere to register the queue: the handler could not be constructed
        }

        return new SolutionFix(
            "Hand the work to a bounded background queue (adds " + FileName + ")",
            Key,
            cancellationToken => ApplyAsync(context, statement, type, typeSymbol, injection, work, registration, cancellationToken));
    }

    /// <summary>Where the handler gets the queue from: its type's constructor, or its own parameter list (a mapped lambda).</summary>
    private sealed class QueueInjection
    {
        public QueueInjection(ParenthesizedLambdaExpressionSyntax? handlerLambda, ConstructorDeclarationSyntax? constructor) =>
            (HandlerLambda, Constructor) = (handlerLambda, constructor);

        public ParenthesizedLambdaExpressionSyntax? HandlerLambda { get; }

        public ConstructorDeclarationSyntax? Constructor { get; }
    }

    private static QueueInjection? Injection(FixContext context, ExpressionStatementSyntax statement, TypeDeclarationSyntax type, INamedTypeSymbol typeSymbol)
    {
        var function = statement.Parent;
        while (function is not null and not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax))
        {
            function = function.Parent;
        }

        // A minimal-API handler takes services as parameters.
        if (function is ParenthesizedLambdaExpressionSyntax lambda
            && context.Model.GetSymbolInfo(lambda, context.CancellationToken).Symbol is IMethodSymbol lambdaSymbol
            && RequestScope.IsPerRequestHandler(lambdaSymbol, lambda, context.Model, KnownSymbols.GetOrCreate(context.Model.Compilation), context.CancellationToken)
            && lambda.ParameterList.Parameters.All(parameter => parameter.Type is not null))
        {
            return lambda.Parent is ArgumentSyntax ? new QueueInjection(lambda, null) : null;
        }

        // Otherwise the type is built by dependency injection: one constructor, or none.
        if (type is not ClassDeclarationSyntax { ParameterList: null } || typeSymbol.IsStatic
            || context.Model.GetEnclosingSymbol(statement.SpanStart, context.CancellationToken) is not { IsStatic: false })
        {
            return null;
        }

        var constructors = typeSymbol.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared).ToList();
        if (constructors.Count == 0)
        {
            return new QueueInjection(null, null);
        }

        return constructors.Count == 1
            && constructors[0].DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is ConstructorDeclarationSyntax { Initializer: null or { RawKind: (int)SyntaxKind.BaseConstructorInitializer } } constructor
            && constructor.SyntaxTree == statement.SyntaxTree
            && type.Span.Contains(constructor.Span)
            ? new QueueInjection(null, constructor)
            : null;
    }

    /// <summary>The work as a <c>Func&lt;CancellationToken, Task&gt;</c> lambda, or null when it cannot become one.</summary>
    private static LambdaExpressionSyntax? QueuedWork(FixContext context, WorkStart start, string tokenName, KnownSymbols types)
    {
        var parameter = Parameter(Identifier(tokenName));
        if (start.Kind == WorkStartKind.None)
        {
            if (start.Site is not IInvocationOperation call || !IsStable(call) || call.Syntax is not InvocationExpressionSyntax invocation)
            {
                return null;
            }

            if (!SpawnPerRequestCodeFixProvider.IsTaskOrValueTask(call.Type, types, out var isValueTask))
            {
                return null;
            }

            ExpressionSyntax body = invocation.WithoutTrivia();
            return SimpleLambdaExpression(parameter, isValueTask ? InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, body, IdentifierName("AsTask"))) : body);
        }

        if (SpawnPerRequestCodeFixProvider.StartedLambda(start, types) is not { } lambda || lambda.Syntax is not AnonymousFunctionExpressionSyntax syntax || syntax is AnonymousMethodExpressionSyntax
            || UsesItsParameters(lambda))
        {
            return null;
        }

        var returnType = lambda.Symbol.ReturnType;
        var returnsTask = returnType.IsType(types.Task) || returnType.IsType(types.GenericTask);
        if (lambda.Symbol.IsAsync)
        {
            return returnsTask
                ? SimpleLambdaExpression(parameter, (CSharpSyntaxNode)syntax.Body.WithoutLeadingTrivia()).WithAsyncKeyword(Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(Space))
                : null; // async void: its exceptions would escape the worker
        }

        if (returnsTask && syntax.ExpressionBody is { } taskExpression)
        {
            return SimpleLambdaExpression(parameter, taskExpression.WithoutTrivia());
        }

        // Synchronous work: run it, then report completion.
        var completed = ReturnStatement(FixSyntax.QualifiedName("System.Threading.Tasks.Task.CompletedTask"));
        if (syntax.ExpressionBody is { } expression && IsStatementExpression(expression))
        {
            return SimpleLambdaExpression(parameter, FixSyntax.MultiLineBlock(ExpressionStatement(expression.WithoutTrivia()), completed));
        }

        if (syntax.Block is { } block && lambda.Symbol.ReturnsVoid && !ReturnsEarly(block))
        {
            return SimpleLambdaExpression(parameter, FixSyntax.MultiLineBlock(block.Statements.Add(completed).ToArray()));
        }

        return null;
    }

    /// <summary>A thread-pool callback's state or a ParameterizedThreadStart's argument has no value in the queue.</summary>
    private static bool UsesItsParameters(IAnonymousFunctionOperation lambda)
    {
        foreach (var operation in lambda.Body.Descendants())
        {
            if (operation is IParameterReferenceOperation { Parameter: { } parameter } && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, lambda.Symbol))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsStatementExpression(ExpressionSyntax expression) =>
        expression is InvocationExpressionSyntax or AssignmentExpressionSyntax or AwaitExpressionSyntax or ObjectCreationExpressionSyntax
            or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression };

    private static bool ReturnsEarly(BlockSyntax block) =>
        block.DescendantNodes(node => node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<ReturnStatementSyntax>().Any();

    /// <summary>
    /// The queue runs the call later: its receiver and arguments must read the same then as now (locals, parameters,
    /// literals, readonly fields, <c>this</c>, and operators and interpolations over those), not the request's state.
    /// </summary>
    private static bool IsStable(IInvocationOperation call)
    {
        if (call.Instance is { } instance && !IsStableValue(instance))
        {
            return false;
        }

        foreach (var argument in call.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue && !IsStableValue(argument.Value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsStableValue(IOperation value) => value.WithoutConversions() switch
    {
        ILiteralOperation or IInstanceReferenceOperation or IDefaultValueOperation => true,
        ILocalReferenceOperation { Local.IsRef: false } => true,
        IParameterReferenceOperation { Parameter.RefKind: RefKind.None } => true,
        IFieldReferenceOperation { Field: { IsReadOnly: true } or { IsConst: true } } field => field.Instance is null || IsStableValue(field.Instance),
        IBinaryOperation binary => IsStableValue(binary.LeftOperand) && IsStableValue(binary.RightOperand),
        IInterpolatedStringOperation interpolated => interpolated.Parts.All(part => part is not IInterpolationOperation { Expression: { } expression } || IsStableValue(expression)),
        _ => false,
    };

    private static async Task<Solution> ApplyAsync(FixContext context, ExpressionStatementSyntax statement, TypeDeclarationSyntax type, INamedTypeSymbol typeSymbol, QueueInjection injection, LambdaExpressionSyntax work, RegistrationSite registration, CancellationToken cancellationToken)
    {
        var document = context.Document;
        var project = document.Project;
        var compilation = context.Model.Compilation;
        var existing = compilation.GetSymbolsWithName(QueueType, SymbolFilter.Type, cancellationToken).OfType<INamedTypeSymbol>().FirstOrDefault(t => t.GetMembers("QueueAsync").Length > 0);
        var queueNamespace = existing?.ContainingNamespace ?? typeSymbol.ContainingNamespace;
        var queueTypeName = (queueNamespace.IsGlobalNamespace ? "" : queueNamespace.ToDisplayString() + ".") + QueueType;
        // The handler's document: inject the queue and queue the work.
        var editor = new SyntaxEditor(context.Root, project.Solution.Services);
        var queueTypeSyntax = FixSyntax.QualifiedType(queueTypeName);
        string queue;
        if (injection.HandlerLambda is { } lambda)
        {
            queue = context.Names.Allocate(statement, "backgroundWork");
            editor.ReplaceNode(lambda, (current, _) =>
            {
                var handler = (ParenthesizedLambdaExpressionSyntax)current;
                return handler.WithParameterList(handler.ParameterList.AddParameters(Parameter(Identifier(queue)).WithType(queueTypeSyntax)));
            });
        }
        else
        {
            queue = InjectThroughConstructor(context, editor, type, typeSymbol, injection.Constructor, queueTypeSyntax);
        }

        var queued = ExpressionStatement(AwaitExpression(InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(queue), IdentifierName("QueueAsync")),
                ArgumentList(SingletonSeparatedList(Argument(work))))))
            .WithTriviaFrom(statement)
            .WithAdditionalAnnotations(Formatter.Annotation);
        editor.ReplaceNode(statement, queued);

        if (registration.Point is { } point && point.SyntaxTree == context.Root.SyntaxTree)
        {
            editor.InsertAfter(point, Registration(point, registration.Receiver!));
        }

        var solution = project.Solution.WithDocumentSyntaxRoot(document.Id, editor.GetChangedRoot());
        solution = await CleanUpAsync(solution, document.Id, cancellationToken).ConfigureAwait(false);

        // The registration in its own document.
        if (registration.Point is { } other && other.SyntaxTree != context.Root.SyntaxTree && registration.Document is { } registrationDocument)
        {
            var root = await other.SyntaxTree.GetRootAsync(cancellationToken).ConfigureAwait(false);
            var registrationEditor = new SyntaxEditor(root, project.Solution.Services);
            registrationEditor.InsertAfter(other, Registration(other, registration.Receiver!));
            solution = solution.WithDocumentSyntaxRoot(registrationDocument.Id, registrationEditor.GetChangedRoot());
            solution = await CleanUpAsync(solution, registrationDocument.Id, cancellationToken).ConfigureAwait(false);
        }

        // The queue itself, once per project.
        if (existing is null)
        {
            var newLine = FixSyntax.DocumentNewLine(context.Root);
            var provider = project.AnalyzerOptions.AnalyzerConfigOptionsProvider;
            var capacity = OptionCatalog.QueueCapacity.GetInteger(provider, context.Root.SyntaxTree, RuleIds.SpawnPerRequest);
            var workers = OptionCatalog.MaxBackgroundWork.GetInteger(provider, context.Root.SyntaxTree, RuleIds.SpawnPerRequest);
            var text = QueueSource(queueNamespace.IsGlobalNamespace ? null : queueNamespace.ToDisplayString(), capacity, workers).Replace("\n", newLine);
            var folder = Path.GetDirectoryName(project.FilePath ?? document.FilePath ?? "");
            var id = DocumentId.CreateNewId(project.Id);
            solution = solution.AddDocument(id, FileName, SourceText.From(text), filePath: string.IsNullOrEmpty(folder) ? FileName : Path.Combine(folder, FileName));
        }

        return solution;
    }

    /// <summary><c>private readonly BackgroundWorkQueue _backgroundWork;</c>, set from a new constructor parameter (a previous run's field is reused).</summary>
    private static string InjectThroughConstructor(FixContext context, SyntaxEditor editor, TypeDeclarationSyntax type, INamedTypeSymbol typeSymbol, ConstructorDeclarationSyntax? constructor, TypeSyntax queueType)
    {
        foreach (var member in typeSymbol.GetMembers())
        {
            if (member is IFieldSymbol { IsStatic: false } existingField && existingField.Type.Name == QueueType)
            {
                return existingField.Name;
            }
        }

        var anchor = type.Members.Count > 0 ? type.Members[0] : (SyntaxNode)type;
        var fieldName = context.Names.Allocate(anchor, "_backgroundWork");
        var parameterName = context.Names.Allocate(constructor ?? anchor, "backgroundWork");
        var assignment = ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(fieldName), IdentifierName(parameterName)));
        var field = FieldDeclaration(VariableDeclaration(queueType, SingletonSeparatedList(VariableDeclarator(fieldName))))
            .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword), Token(SyntaxKind.ReadOnlyKeyword)))
            .WithAdditionalAnnotations(Formatter.Annotation);
        var parameter = Parameter(Identifier(parameterName)).WithType(queueType);
        if (constructor is null)
        {
            editor.InsertMembers(type, 0, new SyntaxNode[]
            {
                field,
                ConstructorDeclaration(type.Identifier.WithoutTrivia())
                    .WithModifiers(TokenList(Token(SyntaxKind.PublicKeyword)))
                    .WithParameterList(ParameterList(SingletonSeparatedList(parameter)))
                    .WithBody(FixSyntax.MultiLineBlock(assignment))
                    .WithAdditionalAnnotations(Formatter.Annotation),
            });
            return fieldName;
        }

        editor.InsertMembers(type, 0, new SyntaxNode[] { field });
        editor.ReplaceNode(constructor, (current, _) =>
        {
            var updated = (ConstructorDeclarationSyntax)current;
            updated = updated.WithParameterList(updated.ParameterList.AddParameters(parameter));
            var body = updated.Body is { } existingBody
                ? existingBody.AddStatements(assignment)
                : FixSyntax.MultiLineBlock(ExpressionStatement(updated.ExpressionBody!.Expression.WithoutTrivia()), assignment);
            return updated.WithExpressionBody(null).WithSemicolonToken(default).WithBody(body).WithAdditionalAnnotations(Formatter.Annotation);
        });
        return fieldName;
    }

    private readonly struct RegistrationSite
    {
        public RegistrationSite(Document? document, StatementSyntax? point, string? receiver, bool alreadyRegistered) =>
            (Document, Point, Receiver, AlreadyRegistered) = (document, point, receiver, alreadyRegistered);

        public Document? Document { get; }

        public StatementSyntax? Point { get; }

        public string? Receiver { get; }

        public bool AlreadyRegistered { get; }
    }

    /// <summary>
    /// The first statement of the project (documents in path order) that calls an <c>IServiceCollection</c> method on a
    /// plain receiver (<c>builder.Services.AddControllers();</c>, <c>services.AddSingleton&lt;T&gt;();</c>), and whether
    /// the project already registers the queue.
    /// </summary>
    private static async Task<RegistrationSite> FindRegistrationAsync(Project project, CancellationToken cancellationToken)
    {
        RegistrationSite found = default;
        foreach (var document in project.Documents.OrderBy(d => d.FilePath ?? d.Name, System.StringComparer.Ordinal))
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !root.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => i.Expression is MemberAccessExpressionSyntax))
            {
                continue;
            }

            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var serviceCollection = model is null ? null : KnownSymbols.GetOrCreate(model.Compilation).ServiceCollection;
            if (model is null || serviceCollection is null)
            {
                continue;
            }

            foreach (var statement in root.DescendantNodes().OfType<ExpressionStatementSyntax>())
            {
                if (statement.Expression is not InvocationExpressionSyntax invocation)
                {
                    continue;
                }

                if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: RegistrationMethod })
                {
                    return new RegistrationSite(null, null, null, alreadyRegistered: true);
                }

                if (found.Point is null && statement.Parent is BlockSyntax or GlobalStatementSyntax
                    && ServiceCollectionReceiver(model.GetOperation(invocation, cancellationToken), serviceCollection) is { } receiver)
                {
                    found = new RegistrationSite(document, statement, receiver, alreadyRegistered: false);
                }
            }
        }

        return found;
    }

    /// <summary>The plain <c>IServiceCollection</c> expression a call chain starts from (<c>builder.Services</c>, <c>services</c>).</summary>
    private static string? ServiceCollectionReceiver(IOperation? operation, INamedTypeSymbol serviceCollection)
    {
        while (operation is IInvocationOperation invocation)
        {
            var receiver = (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : invocation.Instance)?.WithoutConversions();
            if (receiver is null)
            {
                return null;
            }

            if (receiver is not IInvocationOperation
                && (SymbolEqualityComparer.Default.Equals(receiver.Type, serviceCollection) || receiver.Type?.AllInterfaces.Contains(serviceCollection, SymbolEqualityComparer.Default) == true)
                && receiver is IPropertyReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation)
            {
                return receiver.Syntax.ToString();
            }

            operation = receiver;
        }

        return null;
    }

    private static StatementSyntax Registration(StatementSyntax after, string receiver) =>
        ParseStatement(receiver + "." + RegistrationMethod + "();")
            .WithLeadingTrivia(FixSyntax.Indentation(after))
            .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation);

    private static async Task<Solution> CleanUpAsync(Solution solution, DocumentId id, CancellationToken cancellationToken)
    {
        var document = solution.GetDocument(id)!;
        var original = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        document = await BoundedCodeFixProvider.CleanUpAsync(document, FixSyntax.DocumentNewLine(original!), cancellationToken).ConfigureAwait(false);
        return document.Project.Solution;
    }

    private static string QueueSource(string? ns, int capacity, int workers)
    {
        var qualified = "global::" + (ns is null ? "" : ns + ".");
        var body = """
            /// <summary>
            /// Work that request handlers hand over to run after the response: a bounded queue (a handler waits for room while
            /// it is full, so a traffic spike slows requests down instead of piling up work in memory), drained by a fixed
            /// number of workers that get the application's stopping token. Failures are logged. Added by Bounded (BND1005).
            /// </summary>
            public sealed class BackgroundWorkQueue
            {
                private readonly Channel<Func<CancellationToken, Task>> _work;

                public BackgroundWorkQueue(int capacity)
                {
                    _work = Channel.CreateBounded<Func<CancellationToken, Task>>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
                }

                /// <summary>Queues the work, waiting while the queue is full.</summary>
                public ValueTask QueueAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
                {
                    return _work.Writer.WriteAsync(work, cancellationToken);
                }

                internal ChannelReader<Func<CancellationToken, Task>> Reader => _work.Reader;
            }

            /// <summary>Runs the queued work, a fixed number of items at a time, until the application stops.</summary>
            public sealed class BackgroundWorkService : BackgroundService
            {
                private readonly BackgroundWorkQueue _queue;
                private readonly ILogger<BackgroundWorkService> _logger;
                private readonly int _workers;

                public BackgroundWorkService(BackgroundWorkQueue queue, ILogger<BackgroundWorkService> logger, int workers)
                {
                    _queue = queue;
                    _logger = logger;
                    _workers = workers;
                }

                protected override Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    var workers = new Task[_workers];
                    for (var i = 0; i < workers.Length; i++)
                    {
                        workers[i] = RunWorkerAsync(stoppingToken);
                    }

                    return Task.WhenAll(workers);
                }

                private async Task RunWorkerAsync(CancellationToken stoppingToken)
                {
                    try
                    {
                        await foreach (var work in _queue.Reader.ReadAllAsync(stoppingToken))
                        {
                            try
                            {
                                await work(stoppingToken);
                            }
                            catch (Exception exception) when (!(exception is OperationCanceledException && stoppingToken.IsCancellationRequested))
                            {
                                _logger.LogError(exception, "Background work failed");
                            }
                        }
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                    }
                }
            }
            """;
        var registration = $$"""
            namespace Microsoft.Extensions.DependencyInjection
            {
                public static class BackgroundWorkQueueServiceCollectionExtensions
                {
                    /// <summary>Registers the BackgroundWorkQueue and the hosted service that drains it.</summary>
                    public static IServiceCollection AddBackgroundWorkQueue(this IServiceCollection services, int capacity = {{capacity.ToString(CultureInfo.InvariantCulture)}}, int workers = {{workers.ToString(CultureInfo.InvariantCulture)}})
                    {
                        services.AddSingleton(new {{qualified}}BackgroundWorkQueue(capacity));
                        services.AddHostedService(provider => new {{qualified}}BackgroundWorkService(
                            provider.GetRequiredService<{{qualified}}BackgroundWorkQueue>(),
                            provider.GetRequiredService<global::Microsoft.Extensions.Logging.ILogger<{{qualified}}BackgroundWorkService>>(),
                            workers));
                        return services;
                    }
                }
            }
            """;
        var usings = """
            using System;
            using System.Threading;
            using System.Threading.Channels;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;
            using Microsoft.Extensions.Logging;
            """;
        var queue = ns is null ? body : "namespace " + ns + "\n{\n" + Indent(body) + "\n}";
        return usings + "\n\n" + queue + "\n\n" + registration + "\n";
    }

    private static string Indent(string text) =>
        string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));
}
