namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>Realistic surroundings for the queue tests: a message type, an HTTP client, a file store and a logger-like sink.</summary>
internal static class QueuesSources
{
    public static string Wrap(string members) => """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;

        public record Job(int Id, string Payload);

        public partial class Pipeline
        {
            private readonly HttpClient _http = new HttpClient();
            private static Task ProcessAsync(Job job, CancellationToken cancellationToken = default) => Task.Delay(1, cancellationToken);
            private static void Process(Job job) { }
            private static string Resize(string path) => path;

        """ + members + """

        }
        """;
}
