// sentiment: scores the words of each request's body with a tiny linear model shipped next to the
// executable (model/tiny-sentiment.json: {"bias": B, "weights": {"word": W, ...}}), on $PORT.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {

struct Model {
  double bias = 0;
  std::map<std::string, double> weights;
};

// Reads the flat JSON the example ships; anything it cannot read leaves the model empty.
Model LoadModel(const std::string& path) {
  Model model;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  size_t at = json.find("\"bias\":");
  if (at != std::string::npos) model.bias = std::strtod(json.c_str() + at + 7, nullptr);
  at = json.find("\"weights\":");
  while (at != std::string::npos) {
    size_t open = json.find('"', json.find_first_of("{,", at + 10) + 1);
    if (open == std::string::npos) break;
    size_t close = json.find('"', open + 1);
    size_t colon = json.find(':', close);
    if (close == std::string::npos || colon == std::string::npos) break;
    model.weights[json.substr(open + 1, close - open - 1)] = std::strtod(json.c_str() + colon + 1, nullptr);
    at = json.find(',', colon);
  }
  return model;
}

double Score(const Model& model, const std::string& text) {
  double score = model.bias;
  std::string word;
  for (size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ' ';
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      auto it = model.weights.find(word);
      if (it != model.weights.end()) score += it->second;
      word.clear();
    }
  }
  return score;
}

}  // namespace

int main(int argc, char** argv) {
  std::string executable = argc > 0 ? argv[0] : "";
  const Model model = LoadModel(executable.substr(0, executable.rfind('/') + 1) + "model/tiny-sentiment.json");
  const char* port_text = std::getenv("FUNCTIONS_CUSTOMHANDLER_PORT");
  if (port_text == nullptr) port_text = std::getenv("PORT");
  int port = port_text != nullptr ? std::atoi(port_text) : 8080;
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(server, 16) != 0) {
    std::perror("sentiment: cannot listen");
    return 1;
  }
  for (;;) {
    int client = ::accept(server, nullptr, nullptr);
    if (client < 0) continue;
    char request[65536];
    ssize_t n = ::read(client, request, sizeof(request));
    std::string text(request, n > 0 ? static_cast<size_t>(n) : 0);
    size_t body = text.find("\r\n\r\n");
    double score = Score(model, body == std::string::npos ? "" : text.substr(body + 4));
    char reply[96];
    int length = std::snprintf(reply, sizeof(reply), "{\"score\":%.3f,\"label\":\"%s\"}", score,
                               score >= 0 ? "positive" : "negative");
    std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(length) + "\r\nConnection: close\r\n\r\n" + std::string(reply, length);
    if (::write(client, response.data(), response.size()) < 0) std::perror("sentiment: cannot reply");
    ::close(client);
  }
}
