namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>Realistic surroundings for the concurrency tests: an HTTP client, a file store, a message handler, a socket server.</summary>
internal static class ConcurrencySources
{
    public static string Wrap(string members) => """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net;
        using System.Net.Http;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public record Order(int Id, string Customer, decimal Total);
        public record Message(string Id, byte[] Body);

        public interface IMessageHandler { Task HandleAsync(Message message, CancellationToken cancellationToken); }
        public interface IOrderStore { Task<Order?> FindAsync(int id, CancellationToken cancellationToken); IAsyncEnumerable<Message> ReadAllAsync(CancellationToken cancellationToken); }

        public partial class Worker
        {
            private readonly HttpClient _http = new HttpClient();
            private readonly IMessageHandler _handler = null!;
            private readonly IOrderStore _store = null!;
            private readonly ConcurrentBag<string> _results = new();
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);
            private readonly int _workerCount = 4;

            private static string Transform(string line) => line.ToUpperInvariant();
            private static int Score(Order order) => (int)order.Total;
            private Task SaveAsync(Order order, CancellationToken cancellationToken = default) => Task.CompletedTask;
            private Task<int> ProcessAsync(Order order) => Task.FromResult(order.Id);
            private void Index(string path) { }
            private void Handle(TcpClient client) { }
            private void ProcessAll() { }

        """ + members + """

        }
        """;
}
