import DisruptCLI
import Foundation

exit(DisruptCLI.main())
