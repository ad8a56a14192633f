// Starts GraphiQL against this server's /graphql (queries and mutations over HTTP; add the bearer token in the
// Headers pane: {"Authorization": "Bearer …"}).
(function () {
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
