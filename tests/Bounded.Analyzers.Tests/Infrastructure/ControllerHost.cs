using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bounded.Analyzers.Tests;

/// <summary>
/// A compiled source's controllers in a real Kestrel server on a free loopback port, with one instance of the source's
/// <c>stateType</c> registered as a singleton so a test can read what the controllers and their background work did.
/// </summary>
internal sealed class ControllerHost : IAsyncDisposable
{
    // Held, never unloaded: an original's work may still run on it after the host has stopped.
    private readonly InMemoryAssembly _compiled;
    private readonly WebApplication _app;
    private bool _stopped;

    private ControllerHost(InMemoryAssembly compiled, WebApplication app, object state, HttpClient http)
    {
        _compiled = compiled;
        _app = app;
        State = state;
        Http = http;
    }

    public HttpClient Http { get; }

    /// <summary>The singleton instance of the state type.</summary>
    public object State { get; }

    public Type StateType => State.GetType();

    /// <param name="configureState">Sets static knobs of the state type (delays) before the host starts.</param>
    /// <param name="configureServices">Registers the compiled source's own services (a queue a fix added).</param>
    public static Task<ControllerHost> StartAsync(string source, string stateType, Action<Type>? configureState = null, Action<IServiceCollection, System.Reflection.Assembly>? configureServices = null) =>
        StartAsync(new[] { source }, stateType, configureState, configureServices);

    /// <summary>The same for a project of several files.</summary>
    public static async Task<ControllerHost> StartAsync(IEnumerable<string> sources, string stateType, Action<Type>? configureState = null, Action<IServiceCollection, System.Reflection.Assembly>? configureServices = null)
    {
        var compiled = InMemoryAssembly.Compile(sources, TestEnvironment.AspNetReferences);
        var type = compiled.GetType(stateType);
        configureState?.Invoke(type);
        var state = Activator.CreateInstance(type)!;

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(type, state);
        builder.Services.AddControllers().AddApplicationPart(compiled.Assembly);
        configureServices?.Invoke(builder.Services, compiled.Assembly);
        var app = builder.Build();
        app.MapControllers();
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        return new ControllerHost(compiled, app, state, http);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        GC.KeepAlive(_compiled);
    }
}
